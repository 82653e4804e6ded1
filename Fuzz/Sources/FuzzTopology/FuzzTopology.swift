// FuzzTopology — libFuzzer target for topology files: TopologyParser.parse(_:file:) on arbitrary
// bytes (YAML loading, decoding, resolution and validation). Errors are expected; crashes,
// hangs and runaway memory are bugs.
import Foundation
import TrustlineCore

/// libFuzzer's entry point: one input per call.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    do {
        let topology = try TopologyParser.parse(data, file: "fuzz.yaml")
        _ = String(describing: topology)
    } catch let error as TopologyError {
        _ = error.errorDescription
    } catch {
        _ = error.localizedDescription
    }
    return 0
}
