// TrustEnumerator.swift — finds every account a trust policy trusts by evaluating it per candidate.

/// Builds a `TrustEnumeration` by running the evaluator for each account the policy mentions and for
/// a "stranger" account it does not mention (the wildcard test), so that Deny statements,
/// `NotPrincipal` and narrowing conditions (`aws:PrincipalAccount`, `aws:PrincipalOrgID`) are
/// honoured exactly as in a single evaluation.
///
/// Each account is evaluated twice at most: first as the template says callers call; if that is not
/// trust, again with the caller-chosen keys (ExternalId, tags, session name, source identity) unknown.
/// An account trusted only the second way is listed as conditional, with those conditions.
struct TrustEnumerator {
    let policy: TrustPolicy
    let template: AssumeRoleContext

    private static let assumeActions = ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"]

    func enumerate() -> TrustEnumeration {
        let candidates = candidateAccounts()
        var accounts: [TrustedAccount] = []
        for candidate in candidates {
            guard let (grant, conditions) = trust(for: context(partition: candidate.partition, account: candidate.id))
            else { continue }
            accounts.append(
                TrustedAccount(
                    partition: candidate.partition, accountID: candidate.id, grant: grant, conditions: conditions))
        }

        var wildcard: WildcardExposure?
        if let (grant, conditions) = trust(for: strangerContext(avoiding: candidates.map(\.id))) {
            wildcard = WildcardExposure(grant: grant, conditions: conditions)
        }

        var organizations: [String] = []
        var services: [String] = []
        var federated: [String] = []
        var canonical: [String] = []
        var unresolved: [String] = []
        for statement in policy.statements {
            organizations += organizationValues(in: statement)
            guard statement.effect == .allow, !statement.principal.isNegated else { continue }
            let coversAssume = statement.action.covers(template.action)
            let coversAnyAssume = TrustEnumerator.assumeActions.contains { statement.action.covers($0) }
            for principal in statement.principal.principals {
                switch principal {
                case .service(let name) where coversAssume: services.append(name)
                case .federated(let name) where coversAnyAssume: federated.append(name)
                case .canonicalUser(let id) where coversAssume: canonical.append(id)
                case .uniqueID(let value), .unrecognized(let value): unresolved.append(value)
                default: break
                }
            }
        }
        return TrustEnumeration(
            accounts: accounts, wildcard: wildcard, organizations: TrustEnumerator.sortedUnique(organizations),
            services: TrustEnumerator.sortedUnique(services),
            federatedProviders: TrustEnumerator.sortedUnique(federated),
            canonicalUsers: TrustEnumerator.sortedUnique(canonical),
            unresolvedPrincipals: TrustEnumerator.sortedUnique(unresolved))
    }

    // MARK: - Evaluation

    private func trust(for context: AssumeRoleContext) -> (TrustGrant, [UnresolvedCondition])? {
        switch policy.decision(for: context) {
        case .trusted(let grant): return (grant, [])
        case .conditional(let grant, let conditions): return (grant, conditions)
        case .denied, .notTrusted: break
        }
        switch policy.decision(for: context.withCallerControlledKeysUnknown()) {
        case .trusted(let grant): return (grant, [])
        case .conditional(let grant, let conditions): return (grant, conditions)
        case .denied, .notTrusted: return nil
        }
    }

    private func context(partition: String, account: String) -> AssumeRoleContext {
        var context = template
        context.partition = partition
        context.callerAccount = account
        context.callerARN = nil
        return context
    }

    /// An account, organization and principal the policy never mentions.
    private func strangerContext(avoiding named: [String]) -> AssumeRoleContext {
        let mentions = mentionedText()
        var account = "000000000000"
        for number in 0..<10_000 {
            let digits = String(number)
            let candidate = String(repeating: "0", count: 12 - digits.count) + digits
            if !named.contains(candidate), !mentions.contains(where: { Self.contains($0, bytes: candidate) }) {
                account = candidate
                break
            }
        }
        var context = self.context(partition: template.partition, account: account)
        context.additionalKeys = context.additionalKeys.filter { !$0.key.lowercased().hasPrefix("aws:principal") }
        context.principalOrgID = .value("o-trustlinestranger")
        context.principalOrgPaths = .value("o-trustlinestranger/r-trustline/ou-trustline-stranger/")
        context.principalTags = nil
        return context
    }

    /// Whether `needle` occurs in `text` byte for byte (Foundation's `contains` bridges to
    /// NSString, 10 % of an audit's CPU; for the ASCII account ids searched here bytes suffice).
    static func contains(_ text: String, bytes needle: String) -> Bool {
        Array(text.utf8).firstRange(of: Array(needle.utf8)) != nil
    }

    private func mentionedText() -> [String] {
        var texts = [policy.normalizedJSON]
        for statement in policy.statements {
            texts += statement.principal.principals.map(\.description)
            texts += statement.conditions.flatMap(\.values)
        }
        return texts
    }

    // MARK: - Candidates

    private struct Candidate: Hashable, Comparable {
        let partition: String
        let id: String

        static func < (lhs: Candidate, rhs: Candidate) -> Bool {
            (lhs.partition, lhs.id) < (rhs.partition, rhs.id)
        }
    }

    /// Accounts named by principals of statements covering the action, or by account-narrowing conditions.
    private func candidateAccounts() -> [Candidate] {
        var found = Set<Candidate>()
        for statement in policy.statements {
            if statement.action.covers(template.action) {
                for principal in statement.principal.principals {
                    switch principal {
                    case .account(let partition, let id):
                        found.insert(Candidate(partition: partition ?? template.partition, id: id))
                    case .arn(let arn):
                        found.insert(Candidate(partition: arn.partition, id: arn.accountID))
                    default:
                        break
                    }
                }
            }
            for clause in statement.conditions {
                switch clause.key.lowercased() {
                case "aws:principalaccount":
                    for value in clause.values where PrincipalARN.isAccountID(value) {
                        found.insert(Candidate(partition: template.partition, id: value))
                    }
                case "aws:principalarn":
                    for value in clause.values {
                        let parts = value.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
                        guard parts.count >= 5, PrincipalARN.isAccountID(String(parts[4])) else { continue }
                        let partition =
                            PrincipalARN.isPartition(String(parts[1])) ? String(parts[1]) : template.partition
                        found.insert(Candidate(partition: partition, id: String(parts[4])))
                    }
                default:
                    break
                }
            }
        }
        return found.sorted()
    }

    /// Org ids / paths that narrow trust: positive tests in Allow statements, negated ones in Deny.
    private func organizationValues(in statement: TrustPolicyStatement) -> [String] {
        guard statement.action.covers(template.action) else { return [] }
        return statement.conditions.flatMap { clause -> [String] in
            let key = clause.key.lowercased()
            guard key == "aws:principalorgid" || key == "aws:principalorgpaths",
                let base = clause.conditionOperator.base, base != .null
            else { return [] }
            let narrows = statement.effect == .allow ? !base.isNegated : base.isNegated
            return narrows ? clause.values : []
        }
    }

    private static func sortedUnique(_ values: [String]) -> [String] {
        Array(Set(values)).sorted()
    }
}
