// MermaidTrustGraph — the trust graph of a report as a Mermaid `flowchart LR`: the accounts the
// bootstrap roles trust, an edge to each environment labelled with the roles that trust them.
// Node ids are generated (never taken from values) and every label is entity-encoded, so no
// account, name or region can break the diagram or the Markdown fence around it.
import Foundation
import TrustlineCore

/// Renders the trust graph of a report.
enum MermaidTrustGraph {
    /// How an account (or anyone) is trusted by a set of roles.
    private enum Mode: Int, Comparable {
        case accountWide, principalOnly, conditional

        static func < (lhs: Mode, rhs: Mode) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    private struct Edge {
        var from: String
        var to: String
        var arrow: String
        var label: String
        var danger: Bool
    }

    /// The `flowchart LR` source (without the Markdown fence).
    static func render(_ report: AuditReport) -> String {
        let verdict = Verdict(report)
        var lines = ["flowchart LR"]
        lines += [
            "  classDef pipeline fill:#e8f0fe,stroke:#1a73e8,color:#174ea6",
            "  classDef ok fill:#e6f4ea,stroke:#137333,color:#0d652d",
            "  classDef findings fill:#fef7e0,stroke:#b06000,color:#7a4100",
            "  classDef broken fill:#fce8e6,stroke:#c5221f,color:#a50e0e",
            "  classDef unreachable fill:#f1f3f4,stroke:#5f6368,color:#3c4043,stroke-dasharray:4 3",
            "  classDef danger fill:#c5221f,stroke:#a50e0e,color:#ffffff",
        ]

        // Accounts trusted by some role, in order of first appearance; which are unexpected where.
        var accountOrder: [String] = []
        var intendedSomewhere: Set<String> = []
        var anyWildcard = false
        for environment in report.environments {
            let unexpected = unexpectedAccounts(of: environment, in: report)
            for role in environment.roles.sorted(by: { $0.kind < $1.kind }) {
                anyWildcard = anyWildcard || role.wildcard
                for account in role.trustedAccounts + role.principalTrust + role.conditionalAccounts where account != environment.account {
                    if !accountOrder.contains(account) { accountOrder.append(account) }
                    if !unexpected.contains(account) { intendedSomewhere.insert(account) }
                }
            }
        }
        var accountIDs: [String: String] = [:]
        for (index, account) in accountOrder.enumerated() {
            let id = "acct\(index)_\(idFragment(account))"
            accountIDs[account] = id
            let danger = !intendedSomewhere.contains(account)
            let label = danger ? label(account) + "<br/>" + label("unexpected") : label(account)
            lines.append("  \(id)[\"\(label)\"]:::\(danger ? "danger" : "pipeline")")
        }
        let anyoneID = "anyone"
        if anyWildcard {
            lines.append("  \(anyoneID)((\"\(label("* any account"))\")):::danger")
        }

        // One node per environment, styled by status.
        var edges: [Edge] = []
        for (index, environment) in report.environments.enumerated() {
            let id = "env\(index)_\(idFragment(environment.name))"
            let text = label(verdict.label(environment)) + "<br/>" + label(Verdict.address(account: environment.account, region: environment.region))
            lines.append("  \(id)[\"\(text)\"]:::\(styleClass(environment, verdict: verdict))")

            let unexpected = unexpectedAccounts(of: environment, in: report)
            var trust: [String: [Mode: [RoleKind]]] = [:]
            var wildcardRoles: [RoleKind] = []
            for role in environment.roles.sorted(by: { $0.kind < $1.kind }) {
                if role.wildcard { wildcardRoles.append(role.kind) }
                let modes: [(Mode, [String])] = [
                    (.accountWide, role.trustedAccounts), (.principalOnly, role.principalTrust), (.conditional, role.conditionalAccounts),
                ]
                for (mode, accounts) in modes {
                    for account in Set(accounts) where account != environment.account {
                        trust[account, default: [:]][mode, default: []].append(role.kind)
                    }
                }
            }
            for account in accountOrder {
                guard let byMode = trust[account], let from = accountIDs[account] else { continue }
                for mode in byMode.keys.sorted() {
                    let roles = roleList(byMode[mode] ?? [])
                    let suffix: String
                    switch mode {
                    case .accountWide: suffix = ""
                    case .principalOnly: suffix = " (principals only)"
                    case .conditional: suffix = " (conditional)"
                    }
                    edges.append(
                        Edge(
                            from: from, to: id, arrow: mode == .accountWide ? "-->" : "-.->", label: label(roles + suffix),
                            danger: unexpected.contains(account)))
                }
            }
            if !wildcardRoles.isEmpty {
                edges.append(Edge(from: anyoneID, to: id, arrow: "==>", label: label(roleList(wildcardRoles)), danger: true))
            }
        }

        for edge in edges {
            lines.append("  \(edge.from) \(edge.arrow)|\"\(edge.label)\"| \(edge.to)")
        }
        let dangerous = edges.indices.filter { edges[$0].danger }.map(String.init)
        if !dangerous.isEmpty {
            lines.append("  linkStyle \(dangerous.joined(separator: ",")) stroke:#c5221f,stroke-width:3px,color:#a50e0e")
        }
        return lines.joined(separator: "\n")
    }

    /// Accounts an environment trusts today that the topology does not name: the remediation's
    /// `untrust` list for it.
    static func unexpectedAccounts(of environment: EnvironmentResult, in report: AuditReport) -> Set<String> {
        Set(report.remediation.filter { Verdict.belongs($0, to: environment) }.flatMap(\.untrust))
    }

    private static func styleClass(_ environment: EnvironmentResult, verdict: Verdict) -> String {
        switch environment.status {
        case .ok: return "ok"
        case .unreachable: return "unreachable"
        case .notBootstrapped: return "broken"
        case .findings:
            let worst = verdict.findings(of: environment).first?.severity ?? .low
            return worst >= verdict.failOn ? "broken" : "findings"
        }
    }

    /// `deploy, publishing, lookup`: the roles in template order, the two publishing roles folded.
    private static func roleList(_ kinds: [RoleKind]) -> String {
        let set = Set(kinds)
        var names: [String] = []
        for kind in RoleKind.allCases where set.contains(kind) {
            switch kind {
            case .filePublishing where set.contains(.imagePublishing): names.append("publishing")
            case .imagePublishing where set.contains(.filePublishing): continue
            default: names.append(kind.rawValue)
            }
        }
        return names.joined(separator: ", ")
    }

    /// Letters, digits and `_` only, at most 32 characters: readable, and never a Mermaid keyword
    /// once prefixed.
    static func idFragment(_ value: String) -> String {
        let mapped = value.unicodeScalars.map { scalar -> Character in
            isASCIILetterOrDigit(scalar) ? Character(scalar) : "_"
        }
        return String(String(mapped).prefix(32))
    }

    /// A label for inside `"…"`: control characters made visible, then every character but ASCII
    /// letters, digits, space and `.,:/@_-*+=` written as a Mermaid entity (`#35;`).
    static func label(_ value: String) -> String {
        var out = ""
        for scalar in SafeText.singleLine(value).unicodeScalars {
            if isASCIILetterOrDigit(scalar) || labelPunctuation.contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "#\(scalar.value);"
            }
        }
        return out
    }

    private static let labelPunctuation = Set(" .,:/@_-*+=".unicodeScalars)

    /// `A-Z`, `a-z`, `0-9` (Foundation's `alphanumerics` on ASCII, without its cost).
    static func isASCIILetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return false
        }
    }
}
