/// RFC 4180 CSV: CRLF line ends; a field holding a comma, quote, CR or LF is quoted, with its
/// quotes doubled. UTF-8; `bom` starts the file with U+FEFF so spreadsheet programs read
/// Vietnamese text as UTF-8.
public struct CSVWriter {
    private(set) public var text = ""

    public init(bom: Bool = false) {
        if bom { text = "\u{FEFF}" }
    }

    public static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return value }
        return "\"" + value.replacing("\"", with: "\"\"") + "\""
    }

    public mutating func row(_ fields: [String]) {
        text += fields.map(CSVWriter.field).joined(separator: ",") + "\r\n"
    }
}
