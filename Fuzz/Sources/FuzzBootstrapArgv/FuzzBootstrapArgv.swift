// FuzzBootstrapArgv — libFuzzer target for `cdk bootstrap` command lines: the input is split on
// NUL bytes into argv words, parsed by BootstrapCommandParser.parse, and a parsed command is
// rewritten with corrected(…) for each target, as `trustline preflight` prints it.
import Foundation
import TrustlineCore

/// libFuzzer's entry point: one input per call.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: start, count: count)
    let argv = bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    do {
        let command = try BootstrapCommandParser.parse(argv)
        _ = command.stackName()
        _ = command.stackName(project: CDKProjectSettings(qualifier: "fuzz", toolkitStackName: "FuzzToolkit"))
        for target in command.targets {
            _ = command.corrected(
                target: target, trust: ["111111111111"], trustForLookup: nil, untrust: ["222222222222"], qualifier: "hnb659fds",
                executionPolicies: ["arn:aws:iam::aws:policy/AdministratorAccess"])
            _ = command.corrected(target: target, trust: nil, trustForLookup: [], untrust: nil, qualifier: nil, executionPolicies: nil)
        }
    } catch let error as BootstrapCommandError {
        _ = error.errorDescription
    } catch {
        _ = error.localizedDescription
    }
    return 0
}
