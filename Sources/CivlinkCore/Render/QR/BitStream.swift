/// The data bit stream of a single byte-mode segment (ISO/IEC 18004 §7.4): mode indicator 0100,
/// character count, the bytes, then the terminator and padding that fill the symbol's data
/// capacity (§7.4.9, §7.4.10).
struct BitStream: Sendable {
    private(set) var bytes: [UInt8] = []
    private(set) var bitCount = 0

    /// Appends the low `count` bits of `value`, most significant first.
    mutating func append(_ value: Int, bits count: Int) {
        precondition(count >= 0 && count <= 31 && value >> count == 0)
        for i in stride(from: count - 1, through: 0, by: -1) {
            if bitCount % 8 == 0 { bytes.append(0) }
            if (value >> i) & 1 != 0 { bytes[bytes.count - 1] |= UInt8(0x80 >> (bitCount % 8)) }
            bitCount += 1
        }
    }

    /// Bits one byte-mode segment of `byteCount` bytes takes at `version`.
    static func segmentBits(byteCount: Int, version: QRVersion) -> Int {
        4 + version.characterCountBits + 8 * byteCount
    }

    /// The data codewords for `payload` at `version` and `level`: exactly
    /// `version.dataCodewords(level)` bytes. The payload must fit.
    static func dataCodewords(for payload: [UInt8], version: QRVersion, level: QRCode.ErrorCorrection) -> [UInt8] {
        let capacityBits = version.dataCodewords(level) * 8
        precondition(segmentBits(byteCount: payload.count, version: version) <= capacityBits)
        var stream = BitStream()
        stream.append(0b0100, bits: 4)  // byte mode
        stream.append(payload.count, bits: version.characterCountBits)
        stream.bytes.reserveCapacity(capacityBits / 8)
        if stream.bitCount % 8 == 0 {
            stream.bytes.append(contentsOf: payload)
            stream.bitCount += 8 * payload.count
        } else {
            for byte in payload { stream.append(Int(byte), bits: 8) }
        }
        // Terminator: up to four 0 bits, fewer when capacity runs out (§7.4.9).
        stream.append(0, bits: min(4, capacityBits - stream.bitCount))
        // Zero bits up to the byte boundary, then the pad codewords 11101100 and 00010001 in turn.
        stream.append(0, bits: (8 - stream.bitCount % 8) % 8)
        var pad: UInt8 = 0xEC
        while stream.bitCount < capacityBits {
            stream.append(Int(pad), bits: 8)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return stream.bytes
    }
}
