// TrustEvaluator.swift — IAM's evaluation of a role trust policy for one AssumeRole caller.

/// Evaluates a trust policy for the caller in an `AssumeRoleContext`.
///
/// Model (for a cross-account `sts:AssumeRole`, trust policy side only):
/// 1. A statement applies when its `Action`/`NotAction` covers the action, its `Principal` /
///    `NotPrincipal` covers the caller, and its `Condition` holds.
/// 2. An explicit `Deny` that applies wins. A Deny with undecidable conditions makes any trust
///    *conditional*.
/// 3. Otherwise an applying `Allow` grants trust: account-wide when it names the account (or `*`,
///    or uses `NotPrincipal`), principal-specific when it names roles/users/sessions of the account.
///    An Allow with undecidable conditions gives *conditional* trust at best.
///
/// When the caller's ARN is unknown, "the caller" is the set of principals of its account, and
/// results say which of them are covered.
struct TrustEvaluator {
    let policy: TrustPolicy
    let context: AssumeRoleContext

    /// Which principals of the caller's account a principal element reaches.
    enum Reach: Hashable {
        case nobody
        /// Everyone in the account except these (only ever non-empty for `NotPrincipal`).
        case everyone(excluding: [PrincipalARN])
        /// Only these principals (when the caller is known: those covering it).
        case only([PrincipalARN])
    }

    /// A statement that applies, definitely (`unresolved` empty) or maybe.
    private struct Applicable {
        let reference: StatementReference
        let reach: Reach
        let unresolved: [ConditionClause]
    }

    func evaluate() -> TrustEvaluation {
        let primary = evaluate(action: context.action)
        var decision = primary.decision
        for extra in context.requiredActions.dropFirst() {
            decision = combine(decision, evaluate(action: extra).decision, action: extra)
        }
        return TrustEvaluation(decision: decision, outcomes: primary.outcomes)
    }

    // MARK: - One action

    func evaluate(action: String) -> TrustEvaluation {
        let conditionEvaluator = ConditionEvaluator(context: context, policyVariables: policy.supportsPolicyVariables)
        var outcomes: [StatementOutcome] = []
        var allows: [Applicable] = []
        var denies: [Applicable] = []
        var sawAllowForAction = false
        var unmet: [UnresolvedCondition] = []

        for statement in policy.statements {
            let reference = statement.reference
            guard statement.action.covers(action) else {
                outcomes.append(
                    StatementOutcome(
                        statement: reference, coversAction: false, principalMatch: .notCovered, condition: nil))
                continue
            }
            if statement.effect == .allow { sawAllowForAction = true }
            let reach = reach(of: statement.principal)
            guard reach != .nobody else {
                outcomes.append(
                    StatementOutcome(
                        statement: reference, coversAction: true, principalMatch: .notCovered, condition: nil))
                continue
            }
            let result = conditionEvaluator.evaluate(statement.conditions)
            outcomes.append(
                StatementOutcome(
                    statement: reference, coversAction: true, principalMatch: TrustEvaluator.publicMatch(reach),
                    condition: result))
            let applicable: Applicable
            switch result {
            case .notMet(let clauses):
                if statement.effect == .allow {
                    unmet += clauses.map {
                        UnresolvedCondition(statement: reference, clause: $0, requirement: .mustHold)
                    }
                }
                continue
            case .met:
                applicable = Applicable(reference: reference, reach: reach, unresolved: [])
            case .unknown(let clauses):
                applicable = Applicable(reference: reference, reach: reach, unresolved: clauses)
            }
            if statement.effect == .allow { allows.append(applicable) } else { denies.append(applicable) }
        }

        let decision = decide(
            action: action, allows: allows, denies: denies, sawAllowForAction: sawAllowForAction, unmet: unmet)
        return TrustEvaluation(decision: decision, outcomes: outcomes)
    }

    private func decide(
        action: String, allows: [Applicable], denies: [Applicable], sawAllowForAction: Bool,
        unmet: [UnresolvedCondition]
    ) -> TrustDecision {
        let definiteDenies = denies.filter { $0.unresolved.isEmpty }
        let potentialDenies = denies.filter { !$0.unresolved.isEmpty }

        for deny in definiteDenies where isFullDeny(deny.reach) {
            return .denied(
                reason: "an explicit Deny of \(action) applies to \(callerDescription)", statement: deny.reference)
        }

        var restrictingDeny: StatementReference?
        let definiteAllows = allows.filter { $0.unresolved.isEmpty }
        if let grant = buildGrant(allows: definiteAllows, denies: definiteDenies, restrictingDeny: &restrictingDeny) {
            let blockers = potentialDenies.filter { affects($0.reach, grant) }
            if blockers.isEmpty { return .trusted(grant.publicGrant) }
            return .conditional(grant.publicGrant, conditions: TrustEvaluator.conditions(of: blockers, .mustNotHold))
        }

        let potentialAllows = allows.filter { !$0.unresolved.isEmpty }
        if let grant = buildGrant(allows: potentialAllows, denies: definiteDenies, restrictingDeny: &restrictingDeny) {
            let granting = potentialAllows.filter { grant.evidence.contains($0.reference) }
            let blockers = potentialDenies.filter { affects($0.reach, grant) }
            return .conditional(
                grant.publicGrant,
                conditions: TrustEvaluator.conditions(of: granting, .mustHold)
                    + TrustEvaluator.conditions(of: blockers, .mustNotHold))
        }

        if let restrictingDeny {
            return .denied(
                reason: "an explicit Deny of \(action) leaves no principal of account \(context.callerAccount) "
                    + "that the Allow statements name",
                statement: restrictingDeny)
        }
        if !sawAllowForAction {
            return .notTrusted(reason: "no Allow statement covers \(action)")
        }
        if !unmet.isEmpty {
            return .notTrusted(
                reason: "the Allow statements for \(callerDescription) have conditions the call does not meet: "
                    + unmet.map { "\($0.statement): \($0.clause)" }.joined(separator: "; "))
        }
        return .notTrusted(reason: "no Allow statement for \(action) names \(callerDescription)")
    }

    private var callerDescription: String {
        if let caller = context.callerIdentity { return "\(caller.raw) (account \(context.callerAccount))" }
        return "account \(context.callerAccount)"
    }

    private static func conditions(
        of statements: [Applicable], _ requirement: UnresolvedCondition.Requirement
    ) -> [UnresolvedCondition] {
        statements.flatMap { statement in
            statement.unresolved.map {
                UnresolvedCondition(statement: statement.reference, clause: $0, requirement: requirement)
            }
        }
    }

    // MARK: - Principals

    func reach(of element: PrincipalElement) -> Reach {
        let caller = context.callerIdentity
        var wholeAccount = false
        var specific: [PrincipalARN] = []
        for principal in element.principals {
            switch principal {
            case .anyone:
                wholeAccount = true
            case .account(let partition, let accountID):
                if (partition ?? context.partition) == context.partition, accountID == context.callerAccount {
                    wholeAccount = true
                }
            case .arn(let arn):
                if arn.partition == context.partition, arn.accountID == context.callerAccount { specific.append(arn) }
            case .uniqueID, .service, .federated, .canonicalUser, .unrecognized:
                break
            }
        }
        specific = TrustEvaluator.unique(specific)

        if !element.isNegated {
            if wholeAccount { return .everyone(excluding: []) }
            if let caller {
                let hits = specific.filter { $0.covers(caller) }
                return hits.isEmpty ? .nobody : .only(hits)
            }
            return specific.isEmpty ? .nobody : .only(specific)
        }

        // NotPrincipal: the statement applies to every principal not listed. A principal escapes
        // only when its whole chain is listed: its account and itself (or, for a session, its role).
        if element.includesAnyone { return .nobody }
        guard wholeAccount else { return .everyone(excluding: []) }
        if let caller {
            return specific.contains { $0.covers(caller) } ? .nobody : .everyone(excluding: [])
        }
        return .everyone(excluding: specific)
    }

    private func isFullDeny(_ reach: Reach) -> Bool {
        switch reach {
        case .nobody: return false
        case .everyone(let excluding): return excluding.isEmpty
        // With a known caller, `.only` holds exactly the entries that cover it.
        case .only: return context.callerIdentity != nil
        }
    }

    private static func publicMatch(_ reach: Reach) -> PrincipalMatch {
        switch reach {
        case .nobody: return .notCovered
        case .everyone(let excluding): return .anyPrincipal(excluding: excluding.map(\.raw))
        case .only(let principals): return .specificPrincipals(principals.map(\.raw))
        }
    }

    // MARK: - Grants

    /// A grant under construction, with structured principals.
    private struct Grant {
        var accountWide: Bool
        var principals: [PrincipalARN]
        var excluded: [PrincipalARN]
        var evidence: [StatementReference]

        var publicGrant: TrustGrant {
            TrustGrant(
                scope: accountWide ? .anyPrincipal : .specificPrincipals(principals.map(\.raw)),
                excludedPrincipals: excluded.map(\.raw), evidence: evidence)
        }
    }

    /// The union of what `allows` grant, minus what the (definite, partial) `denies` take away;
    /// nil when nothing is left. Sets `restrictingDeny` when a Deny took something away.
    private func buildGrant(
        allows: [Applicable], denies: [Applicable], restrictingDeny: inout StatementReference?
    ) -> Grant? {
        var everyoneEvidence: [StatementReference] = []
        var allowExcluded: [PrincipalARN]?
        var specific: [(PrincipalARN, StatementReference)] = []
        for allow in allows {
            switch allow.reach {
            case .nobody:
                break
            case .everyone(let excluding):
                everyoneEvidence.append(allow.reference)
                allowExcluded = allowExcluded.map { TrustEvaluator.overlap($0, excluding) } ?? excluding
            case .only(let principals):
                specific += principals.map { ($0, allow.reference) }
            }
        }
        guard !everyoneEvidence.isEmpty || !specific.isEmpty else { return nil }

        var restriction: [PrincipalARN]?
        var denyExcluded: [PrincipalARN] = []
        for deny in denies {
            switch deny.reach {
            case .nobody:
                break
            case .everyone(let exempt):
                restriction = restriction.map { TrustEvaluator.overlap($0, exempt) } ?? exempt
                restrictingDeny = deny.reference
            case .only(let principals):
                denyExcluded += principals
                restrictingDeny = deny.reference
            }
        }

        if !everyoneEvidence.isEmpty {
            // Principals named explicitly by another Allow are not excluded after all.
            let excludedByAllows = (allowExcluded ?? []).filter { excluded in
                !specific.contains { $0.0.covers(excluded) }
            }
            let excluded = TrustEvaluator.unique(excludedByAllows + denyExcluded)
            guard let restriction else {
                return Grant(accountWide: true, principals: [], excluded: excluded, evidence: everyoneEvidence)
            }
            let survivors = restriction.filter { member in !excluded.contains { $0.covers(member) } }
            guard !survivors.isEmpty else { return nil }
            return Grant(
                accountWide: false, principals: TrustEvaluator.unique(survivors), excluded: [],
                evidence: everyoneEvidence)
        }

        var survivors: [(PrincipalARN, StatementReference)] = []
        for (principal, reference) in specific where !denyExcluded.contains(where: { $0.covers(principal) }) {
            guard let restriction else {
                survivors.append((principal, reference))
                continue
            }
            if restriction.contains(where: { $0.covers(principal) }) {
                survivors.append((principal, reference))
            } else {
                survivors += restriction.filter { principal.covers($0) }.map { ($0, reference) }
            }
        }
        guard !survivors.isEmpty else { return nil }
        let principals = TrustEvaluator.unique(survivors.map(\.0))
        let excluded = denyExcluded.filter { denied in principals.contains { $0.covers(denied) } }
        var evidence: [StatementReference] = []
        for (_, reference) in survivors where !evidence.contains(reference) { evidence.append(reference) }
        return Grant(
            accountWide: false, principals: principals, excluded: TrustEvaluator.unique(excluded), evidence: evidence)
    }

    /// Whether a possible Deny reaching `reach` could take away some of `grant`.
    private func affects(_ reach: Reach, _ grant: Grant) -> Bool {
        switch reach {
        case .nobody:
            return false
        case .everyone(let exempt):
            if grant.accountWide { return true }
            return !grant.principals.allSatisfy { member in exempt.contains { $0.covers(member) } }
        case .only(let denied):
            if grant.accountWide { return true }
            return grant.principals.contains { member in denied.contains { $0.covers(member) || member.covers($0) } }
        }
    }

    /// The principals in both sets, keeping the narrower of two nested ones.
    private static func overlap(_ lhs: [PrincipalARN], _ rhs: [PrincipalARN]) -> [PrincipalARN] {
        var result: [PrincipalARN] = []
        for a in lhs {
            for b in rhs {
                if a.covers(b) { result.append(b) } else if b.covers(a) { result.append(a) }
            }
        }
        return unique(result)
    }

    private static func unique(_ principals: [PrincipalARN]) -> [PrincipalARN] {
        var seen = Set<String>()
        return principals.filter { seen.insert($0.raw).inserted }
    }

    // MARK: - Several required actions

    /// Combines the decision for `context.action` with the one for an extra action the call needs.
    private func combine(_ base: TrustDecision, _ other: TrustDecision, action: String) -> TrustDecision {
        let why =
            action.lowercased() == "sts:tagsession"
            ? "the call passes session tags, which needs \(action)"
            : "the call sets a source identity, which needs \(action)"
        switch (base, other) {
        case (.denied, _), (.notTrusted, _):
            return base
        case (_, .denied(let reason, let statement)):
            return .denied(reason: "\(why): \(reason)", statement: statement)
        case (_, .notTrusted(let reason)):
            return .notTrusted(reason: "\(why): \(reason)")
        default:
            break
        }
        guard let first = base.grant, let second = other.grant else { return base }
        var merged = first
        switch (first.scope, second.scope) {
        case (.anyPrincipal, .anyPrincipal):
            break
        case (.anyPrincipal, .specificPrincipals):
            merged.scope = second.scope
        case (.specificPrincipals, .anyPrincipal):
            break
        case (.specificPrincipals(let lhs), .specificPrincipals(let rhs)):
            let both = TrustEvaluator.overlap(lhs.compactMap(PrincipalARN.init), rhs.compactMap(PrincipalARN.init))
            guard !both.isEmpty else {
                return .notTrusted(reason: "\(why), and no principal is allowed both \(context.action) and \(action)")
            }
            merged.scope = .specificPrincipals(both.map(\.raw))
        }
        for excluded in second.excludedPrincipals where !merged.excludedPrincipals.contains(excluded) {
            merged.excludedPrincipals.append(excluded)
        }
        for reference in second.evidence where !merged.evidence.contains(reference) {
            merged.evidence.append(reference)
        }
        let conditions = base.conditions + other.conditions
        return conditions.isEmpty ? .trusted(merged) : .conditional(merged, conditions: conditions)
    }
}
