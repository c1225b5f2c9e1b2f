/// Splits the data codewords into the version's error-correction blocks, appends each block's
/// Reed-Solomon codewords and interleaves them into the final message sequence (ISO/IEC 18004
/// §7.6): first codeword of every block, then the second, …, data before error correction.
enum BlockInterleaver {
    static func finalCodewords(data: [UInt8], version: QRVersion, level: QRCode.ErrorCorrection) -> [UInt8] {
        let blockCount = version.blockCount(level)
        let eccLength = version.errorCorrectionCodewordsPerBlock(level)
        let total = version.totalCodewords
        precondition(data.count == version.dataCodewords(level))
        // Short blocks come first; the remaining `total % blockCount` blocks hold one data codeword more.
        let shortBlockCount = blockCount - total % blockCount
        let shortDataLength = total / blockCount - eccLength
        let encoder = ReedSolomon(degree: eccLength)

        var dataBlocks: [ArraySlice<UInt8>] = []
        var eccBlocks: [[UInt8]] = []
        var start = 0
        for block in 0..<blockCount {
            let length = shortDataLength + (block < shortBlockCount ? 0 : 1)
            let slice = data[start..<(start + length)]
            dataBlocks.append(slice)
            eccBlocks.append(encoder.remainder(slice))
            start += length
        }

        var result: [UInt8] = []
        result.reserveCapacity(total)
        for i in 0...shortDataLength {
            for block in dataBlocks where i < block.count {
                result.append(block[block.startIndex + i])
            }
        }
        for i in 0..<eccLength {
            for block in eccBlocks { result.append(block[i]) }
        }
        assert(result.count == total)
        return result
    }
}
