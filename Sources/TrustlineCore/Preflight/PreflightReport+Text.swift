// PreflightReport+Text — the short human text of `trustline preflight`: per target what the
// command would do and the verdict, then the corrected commands.
import Foundation

extension PreflightReport {
    /// Plain text for a terminal; accounts named as `111111111111 (tools)` after the topology.
    public func text(topology: Topology) -> String {
        func label(_ account: String) -> String { AuditEvaluator.label(account, topology: topology) }
        func list(_ accounts: [String]) -> String { accounts.isEmpty ? "(nobody)" : accounts.map(label).joined(separator: ", ") }
        func change(_ trust: TrustChange) -> String {
            trust.today == trust.after ? "\(list(trust.today)) (unchanged)" : "\(list(trust.today)) → \(list(trust.after))"
        }
        var out = "Preflight of: \(commandLine)\n"
        for note in notes { out += "note: \(note)\n" }
        for target in targets {
            out += "\n\(target.target)"
            out += target.environment.map { " — environment \($0)" } ?? " — not in the topology"
            if target.status == .unreadable {
                out += "\n"
            } else {
                out += ", stack \(target.stackName) (\(target.stackExists ? "exists" : "new"))\n"
                out += "  deploy trust  \(change(target.deploy))\n"
                out += "  lookup trust  \(change(target.lookup))\n"
                if let after = target.after {
                    let qualifier =
                        target.before.map { $0.qualifier == after.qualifier ? "\(after.qualifier) (kept)" : "\($0.qualifier) → \(after.qualifier)" }
                        ?? after.qualifier
                    out += "  qualifier     \(qualifier)\n"
                }
            }
            for message in target.messages {
                out += "  \(message.level == .info ? "note" : message.level.rawValue): \(message.text)\n"
            }
            out += "  verdict       \(Self.verdict(target.status))\n"
        }
        let corrected = targets.filter { $0.corrected != nil }
        if !corrected.isEmpty {
            out +=
                "\nCorrected command\(corrected.count > 1 ? "s (one per environment)" : "") — keeps everyone trusted today and everyone the topology intends:\n"
            for target in corrected {
                if let command = target.corrected?.command { out += "  \(command)\n" }
            }
        }
        out += "\n" + Self.summary(exitCode) + "\n"
        return out
    }

    static func verdict(_ status: PreflightTargetResult.Status) -> String {
        switch status {
        case .safe: "safe: nobody the topology intends loses trust"
        case .dropsIntendedTrust: "DROPS INTENDED TRUST"
        case .refused: "refused by cdk bootstrap (nothing would change)"
        case .unreadable: "unknown: the live state could not be read"
        }
    }

    static func summary(_ exitCode: Int) -> String {
        switch exitCode {
        case 0: "Verdict: safe to run — nobody the topology intends would lose trust."
        case 1: "Verdict: the command would drop intended trust (exit 1). Run the corrected command instead."
        case 2: "Verdict: cdk bootstrap would refuse the command (exit 2)."
        default: "Verdict: incomplete — some target's live state could not be read (exit 3); nothing is known about it."
        }
    }
}
