// FuzzTrustPolicy — libFuzzer target for role trust policies: TrustPolicy(json:) (plain and
// URL-encoded, as IAM's GetRole returns it) on arbitrary text, then the two questions the audit
// asks of a parsed policy: the decision for a caller, and whom the policy trusts.
import Foundation
import TrustlineCore

/// The callers each parsed policy is evaluated for: the CDK CLI's default way of calling, a known
/// pipeline role, and a caller whose request keys are all unknown.
let contexts: [AssumeRoleContext] = {
    var plain = AssumeRoleContext(callerAccount: "111111111111")
    plain.currentTime = Date(timeIntervalSince1970: 1_700_000_000)
    let role = AssumeRoleContext(
        callerAccount: "111111111111", callerARN: "arn:aws:iam::111111111111:role/cdk-hnb659fds-deploy-role-111111111111-eu-west-1")
    var tagged = AssumeRoleContext(callerAccount: "222222222222", callerARN: "arn:aws:sts::222222222222:assumed-role/Pipeline/session")
    tagged.externalID = .value("fuzz")
    tagged.sourceIdentity = .value("fuzz")
    tagged.sessionTags = ["team": "platform"]
    tagged.principalTags = ["team": "platform"]
    tagged.principalOrgID = .value("o-abcdefghij")
    tagged.sourceIP = .value("10.1.2.3")
    return [plain, role, tagged, tagged.withCallerControlledKeysUnknown()]
}()

/// libFuzzer's entry point: one input per call.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let data = Data(bytes: start, count: count)
    let policies = [
        try? TrustPolicy(data: data),
        try? TrustPolicy(json: String(decoding: data, as: UTF8.self)),
    ]
    for case let policy? in policies {
        for context in contexts {
            let evaluation = policy.evaluate(context)
            _ = evaluation.decision.summary
            _ = evaluation.decision.conditions
        }
        let trust = policy.enumerateTrust()
        _ = trust.accountIDs
        _ = trust.isWildcard
        _ = policy.enumerateTrust(template: contexts[2])
        // The normalized form is what snapshots store: it must read back.
        _ = try? TrustPolicy(json: policy.normalizedJSON)
    }
    return 0
}
