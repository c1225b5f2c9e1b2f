/// Where an answer's bytes come from: a connection, or canned bytes in tests.
protocol ByteSource: ~Copyable {
    /// Appends at most `maxCount` bytes to `buffer` and returns how many; 0 at the end of the stream.
    mutating func receive(into buffer: inout [UInt8], maxCount: Int) throws(HTTPClientError) -> Int
}

struct ResponseHead {
    let minorVersion: Int
    let status: Int
    let reason: String
    let headers: HTTPHeaders
}

/// Reads one HTTP/1.x answer (RFC 9112), holding at most `limit` bytes of it: the status line,
/// headers, chunk framing and body all count. It reads only as far as the answer goes, so bytes
/// left in its buffer afterwards were sent beyond the answer.
struct ResponseReader {
    let limit: Int
    /// Bytes taken from the source so far.
    private(set) var received = 0
    private var buffer: [UInt8] = []
    private var position = 0

    init(limit: Int) {
        self.limit = limit
    }

    var hasBufferedBytes: Bool { position < buffer.count }

    /// Bytes of the answer consumed so far.
    private var consumed: Int { received - (buffer.count - position) }

    // MARK: The answer

    /// The answer to a `method` request, and whether the connection may carry another request.
    mutating func readResponse<Source: ByteSource & ~Copyable>(from source: inout Source, method: HTTPMethod) throws(HTTPClientError) -> (HTTPResponse, persistent: Bool) {
        let head = try readHead(from: &source)
        let connection = head.headers.tokens(for: "connection")
        var persistent = head.minorVersion >= 1 ? !connection.contains("close") : connection.contains("keep-alive")
        var body: [UInt8] = []
        let lengths = try contentLength(head.headers)
        if method == .head || head.status == 204 || head.status == 304 {
            // No body whatever the headers say (RFC 9112 §6.3).
        } else if head.headers.contains("transfer-encoding") {
            // Only chunked: this client asks for no other coding and must not hand encoded bytes
            // to the caller as if they were the body.
            guard head.headers.tokens(for: "transfer-encoding") == ["chunked"] else {
                throw .malformedResponse("unsupported Transfer-Encoding (only chunked is accepted)")
            }
            body = try readChunkedBody(from: &source)
            // Both framings at once is how request smuggling starts: answer this one, then
            // stop using the connection.
            if lengths != nil { persistent = false }
        } else if let length = lengths {
            guard length <= limit - consumed else { throw .responseTooLarge(limit: limit) }
            body.reserveCapacity(length)
            try read(length, into: &body, from: &source, truncated: "the answer ends before its Content-Length")
        } else {
            body = try readToEnd(from: &source)
            persistent = false
        }
        guard consumed <= limit else { throw .responseTooLarge(limit: limit) }
        return (HTTPResponse(status: head.status, reason: head.reason, headers: head.headers, body: body), persistent)
    }

    /// The status line and headers of the final answer; interim 1xx answers are skipped.
    mutating func readHead<Source: ByteSource & ~Copyable>(from source: inout Source) throws(HTTPClientError) -> ResponseHead {
        while true {
            let head = try readOneHead(from: &source)
            if head.status == 101 { throw .malformedResponse("unexpected 101 Switching Protocols") }
            if head.status >= 200 { return head }
        }
    }

    private mutating func readOneHead<Source: ByteSource & ~Copyable>(from source: inout Source) throws(HTTPClientError) -> ResponseHead {
        let statusLine = try readLine(from: &source, truncated: "the answer ends inside its header")
        let (minor, status, reason) = try Self.parseStatusLine(statusLine)
        var headers = HTTPHeaders()
        while true {
            let line = try readLine(from: &source, truncated: "the answer ends inside its header")
            if line.isEmpty { break }
            let (name, value) = try Self.parseField(line)
            headers.append(name: name, value: value)
        }
        return ResponseHead(minorVersion: minor, status: status, reason: reason, headers: headers)
    }

    // MARK: Bodies

    private mutating func readChunkedBody<Source: ByteSource & ~Copyable>(from source: inout Source) throws(HTTPClientError) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let line = try readLine(from: &source, truncated: "the answer ends inside its chunked body")
            let size = try Self.parseChunkSize(line)
            if size == 0 { break }
            guard size <= limit - consumed else { throw .responseTooLarge(limit: limit) }
            try read(size, into: &body, from: &source, truncated: "the answer ends inside a chunk")
            let end = try readLine(from: &source, truncated: "the answer ends inside its chunked body")
            guard end.isEmpty else { throw .malformedResponse("a chunk is longer than its size") }
        }
        // Trailer fields are read past and dropped: nothing here needs them.
        while true {
            let line = try readLine(from: &source, truncated: "the answer ends inside its trailer")
            if line.isEmpty { return body }
            _ = try Self.parseField(line)
        }
    }

    private mutating func readToEnd<Source: ByteSource & ~Copyable>(from source: inout Source) throws(HTTPClientError) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            body += buffer[position...]
            position = buffer.count
            guard try fill(from: &source) else { return body }
        }
    }

    private mutating func read<Source: ByteSource & ~Copyable>(_ count: Int, into body: inout [UInt8], from source: inout Source,
                                                               truncated: Phrase) throws(HTTPClientError) {
        var remaining = count
        while remaining > 0 {
            if position == buffer.count {
                guard try fill(from: &source) else { throw .malformedResponse(truncated) }
            }
            let take = min(remaining, buffer.count - position)
            body += buffer[position..<(position + take)]
            position += take
            remaining -= take
        }
    }

    // MARK: Buffering

    /// One line without its line ending (CRLF, or a bare LF as RFC 9112 lets recipients accept).
    private mutating func readLine<Source: ByteSource & ~Copyable>(from source: inout Source, truncated: Phrase) throws(HTTPClientError) -> [UInt8] {
        var scanned = 0
        while true {
            if let newline = buffer[(position + scanned)...].firstIndex(of: 0x0A) {
                var end = newline
                if end > position, buffer[end - 1] == 0x0D { end -= 1 }
                let line = Array(buffer[position..<end])
                position = newline + 1
                return line
            }
            scanned = buffer.count - position
            guard try fill(from: &source) else {
                throw received == 0 ? .connectionClosed : .malformedResponse(truncated)
            }
        }
    }

    /// Reads more when the answer needs more. Never asks for more than one byte past the limit:
    /// every byte buffered belongs to the unfinished answer, so needing one more after that
    /// proves the answer too large, and memory stays bounded by the limit.
    private mutating func fill<Source: ByteSource & ~Copyable>(from source: inout Source) throws(HTTPClientError) -> Bool {
        let allowance = limit + 1 - received
        guard allowance > 0 else { throw .responseTooLarge(limit: limit) }
        if position == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            position = 0
        } else if position >= 64 * 1024, position * 2 >= buffer.count {
            buffer.removeFirst(position)
            position = 0
        }
        let count = try source.receive(into: &buffer, maxCount: min(16 * 1024, allowance))
        received += count
        return count > 0
    }

    // MARK: Grammar

    static func parseStatusLine(_ line: [UInt8]) throws(HTTPClientError) -> (Int, Int, String) {
        // HTTP/1.x SP 3DIGIT [SP reason]
        guard line.count >= 12, line.starts(with: Array("HTTP/1.".utf8)), line[7].isDigit, line[8] == 0x20,
              line[9...11].allSatisfy(\.isDigit), line.count == 12 || line[12] == 0x20 else {
            throw .malformedResponse("the status line is not HTTP/1.x")
        }
        let status = Int(line[9] - 0x30) * 100 + Int(line[10] - 0x30) * 10 + Int(line[11] - 0x30)
        guard (100...599).contains(status) else { throw .malformedResponse("status \(status) is out of range") }
        let reason = line.count > 13 ? String(decoding: line[13...], as: UTF8.self) : ""
        return (Int(line[7] - 0x30), status, reason)
    }

    static func parseField(_ line: [UInt8]) throws(HTTPClientError) -> (String, String) {
        guard line.first != 0x20, line.first != 0x09 else { throw .malformedResponse("obsolete header line folding") }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0, line[..<colon].allSatisfy(isTokenCharacter) else {
            throw .malformedResponse("a header line has no valid field name")
        }
        var value = line[(colon + 1)...]
        while let first = value.first, first == 0x20 || first == 0x09 { value.removeFirst() }
        while let last = value.last, last == 0x20 || last == 0x09 { value.removeLast() }
        guard !value.contains(where: { $0 == 0x00 || $0 == 0x0D }) else {
            throw .malformedResponse("header \(String(decoding: line[..<colon], as: UTF8.self)) has a control character in its value")
        }
        return (String(decoding: line[..<colon], as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    static func parseChunkSize(_ line: [UInt8]) throws(HTTPClientError) -> Int {
        // chunk-size [BWS ; chunk-ext]
        let digits = line.prefix { $0.isHexDigit }
        let rest = line[digits.endIndex...].drop { $0 == 0x20 || $0 == 0x09 }
        guard !digits.isEmpty, digits.count <= 15, rest.isEmpty || rest.first == UInt8(ascii: ";"),
              let size = Int(String(decoding: digits, as: UTF8.self), radix: 16) else {
            throw .malformedResponse("invalid chunk size")
        }
        return size
    }

    /// nil without Content-Length; several must agree (RFC 9110 §8.6).
    private func contentLength(_ headers: HTTPHeaders) throws(HTTPClientError) -> Int? {
        let values = headers.values(for: "content-length").flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .map { $0.trimmingASCIIWhitespace() }
        guard let first = values.first else { return nil }
        guard values.allSatisfy({ $0 == first }), !first.isEmpty, first.utf8.count <= 18, first.utf8.allSatisfy(\.isDigit),
              let length = Int(first) else {
            throw .malformedResponse("invalid Content-Length")
        }
        return length
    }

    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        if byte.isDigit || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) {
            return true
        }
        switch byte {
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
