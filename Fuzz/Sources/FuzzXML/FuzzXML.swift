// FuzzXML — libFuzzer target for the AWS XML layer: XMLDocumentParser.parse on arbitrary bytes,
// then AWSServiceError.decode on the same body. Either may refuse the input; neither may crash,
// hang or leak past the sanitizers.
import Foundation
import TrustlineAWS

/// libFuzzer's entry point: one input per call.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let body = Data(bytes: start, count: count)
    if let root = try? XMLDocumentParser.parse(body) {
        // Walk what was built, as the service decoders do.
        _ = root.first(named: "Error")?.string("Code")
        _ = root.string("ResponseMetadata", "RequestId")
        _ = root.members("Roles").map(\.name)
    }
    for status in [400, 403, 503] {
        let error = AWSServiceError.decode(
            service: "iam", action: "GetRole", status: status,
            headers: ["x-amzn-requestid": "fuzz", "content-type": "text/xml"], body: body)
        _ = error.errorDescription
        _ = error.isRetryable
        _ = error.isCredentialProblem
    }
    return 0
}
