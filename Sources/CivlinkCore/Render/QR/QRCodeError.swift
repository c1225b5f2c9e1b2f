/// Why a QR code could not be made. Messages carry sizes only, never the payload: it may be
/// personal data.
public enum QRCodeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The payload needs more data capacity than the largest version allowed holds at this level.
    /// `capacity` is the most bytes version 40 holds at `level`.
    case payloadTooLarge(byteCount: Int, capacity: Int, level: QRCode.ErrorCorrection)
    /// A version outside 1...40 was asked for.
    case invalidVersion(Int)
    /// A mask pattern reference outside 0...7 was asked for.
    case invalidMask(Int)

    public var description: String {
        switch self {
        case let .payloadTooLarge(byteCount, capacity, level):
            "QR code: \(byteCount) bytes do not fit; version 40 at level \(level) holds at most \(capacity) bytes"
        case let .invalidVersion(version):
            "QR code: version \(version) does not exist; versions are 1 to 40"
        case let .invalidMask(mask):
            "QR code: mask \(mask) does not exist; masks are 0 to 7"
        }
    }
}
