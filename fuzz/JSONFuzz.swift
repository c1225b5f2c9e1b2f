// libFuzzer target for civlink's JSON reader and RFC 8785 canonicaliser.
// Built by fuzz/run.sh together with Sources/CivlinkCore/JSON.swift and CivlinkError.swift.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    guard let value = try? JSONReader.parse(data, limits: .declaration) else { return 0 }
    // Whatever parses must serialise to something that parses back to the same value, and the
    // canonical form must be a fixed point.
    let compact = value.serialized()
    guard let again = try? JSONReader.parse(compact, limits: .document), again == value else {
        fatalError("round trip changed the value: \(compact)")
    }
    let canonical = value.canonicalData
    guard let reparsed = try? JSONReader.parse(canonical, limits: .document), reparsed.canonicalData == canonical else {
        fatalError("canonical form is not a fixed point")
    }
    return 0
}
