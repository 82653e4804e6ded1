// Discovery — reads every environment of a topology from AWS into snapshots. IAM is global:
// each account's roles are read once (one ListRoles sweep brings every trust policy) for all
// its regions; credentials are obtained once per account. Each account's IAM calls are paced,
// and each account group has a deadline, so one slow or stalled account can neither hammer IAM
// nor hold the whole audit.
import Foundation
import TrustlineAWS
import TrustlineCore

/// Reads the live state of every environment of a topology.
public struct Discovery: Sendable {
    /// Seconds an account group may take by default.
    public static let defaultDeadline: Double = 120
    /// IAM requests per second per account by default (other tools settle around 10–15/s).
    public static let defaultIAMRate: Double = 15
    /// IAM requests per account that may go back to back by default.
    public static let defaultIAMBurst = 15

    public let topology: Topology
    public let resolver: CredentialResolver
    /// Accounts read at once.
    public let concurrency: Int
    /// Seconds the environments of one account (one account group) may take, from the group's
    /// start; past it the group is cancelled and whatever is not read yet is `unreachable`.
    public let deadline: Double
    /// Pacing of each account's IAM requests; `nil`: unpaced. STS and CloudFormation are never
    /// paced here (CloudFormation's limits are regional, STS's generous).
    public let iamPacing: (rate: Double, burst: Int)?

    public init(
        topology: Topology, resolver: CredentialResolver, concurrency: Int = 16, deadline: Double = Discovery.defaultDeadline,
        iamPacing: (rate: Double, burst: Int)? = (Discovery.defaultIAMRate, Discovery.defaultIAMBurst)
    ) {
        self.topology = topology
        self.resolver = resolver
        self.concurrency = max(1, concurrency)
        self.deadline = deadline > 0 ? deadline : Self.defaultDeadline
        self.iamPacing = iamPacing
    }

    /// Environments that share an account and a way in are read together.
    struct AccountGroup: Sendable {
        var account: String
        var environments: [DeploymentEnvironment]
    }

    func groups() -> [AccountGroup] {
        var order: [String] = []
        var byKey: [String: AccountGroup] = [:]
        for environment in topology.environments {
            let key =
                "\(environment.account)|\(environment.profile ?? "")|\(environment.access.map { "\($0.roleName)|\($0.sourceProfile ?? "")|\($0.externalId ?? "")" } ?? "")"
            if byKey[key] == nil {
                order.append(key)
                byKey[key] = AccountGroup(account: environment.account, environments: [])
            }
            byKey[key]?.environments.append(environment)
        }
        return order.compactMap { byKey[$0] }
    }

    /// Reads everything; never throws: what could not be read is an `unreachable` snapshot.
    /// - Parameters:
    ///   - progress: called with (environments done, total) as accounts finish.
    ///   - received: called with each account's snapshots as soon as they are read (e.g. to
    ///     evaluate them while the other accounts are still being read).
    ///   - keep: whether to return the snapshots; a caller that only needs `received` passes
    ///     false and gets `[]`, so an audit does not hold every document until its end.
    public func run(
        progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in },
        received: @escaping @Sendable ([EnvironmentSnapshot]) -> Void = { _ in }, keep: Bool = true
    ) async -> [EnvironmentSnapshot] {
        let groups = groups()
        let total = topology.environments.reduce(0) { $0 + $1.regions.count }
        // One pacer per account, shared by every group (way in) of that account.
        var pacers: [String: RequestPacer] = [:]
        if let iamPacing {
            for group in groups where pacers[group.account] == nil {
                pacers[group.account] = RequestPacer(rate: iamPacing.rate, burst: iamPacing.burst, environment: resolver.clientEnvironment)
            }
        }
        var snapshots: [EnvironmentSnapshot] = []
        var done = 0
        await withTaskGroup(of: [EnvironmentSnapshot].self) { taskGroup in
            var next = 0
            func launch() {
                guard next < groups.count else { return }
                let group = groups[next]
                let pacer = pacers[group.account]
                next += 1
                taskGroup.addTask { await self.read(group, iamPacer: pacer) }
            }
            for _ in 0..<min(concurrency, groups.count) { launch() }
            while let finished = await taskGroup.next() {
                if keep { snapshots += finished }
                done += finished.count
                received(finished)
                progress(done, total)
                launch()
            }
        }
        return snapshots.sorted { ($0.environment, $0.region) < ($1.environment, $1.region) }
    }

    /// Reads one account group within the deadline. Past it, the group's work is cancelled (and
    /// no longer waited for); environments already read keep their snapshots, the others become
    /// `unreachable`, naming the deadline and the call that was under way.
    func read(_ group: AccountGroup, iamPacer: RequestPacer? = nil) async -> [EnvironmentSnapshot] {
        let targets = group.environments.flatMap { environment in environment.regions.map { (environment, $0) } }
        let progress = GroupProgress()
        let outcome = await Deadline.run(seconds: deadline) {
            await self.readGroup(group, targets: targets, iamPacer: iamPacer, progress: progress)
        }
        let verb: String
        switch outcome {
        case .finished(let snapshots): return snapshots
        case .expired: verb = "deadline of \(Self.format(seconds: deadline)) s exceeded"
        case .cancelled: verb = "cancelled"
        }
        return targets.map { environment, region in
            if let done = progress.finished(environment.name, region) { return done }
            let step = progress.step(environment.name, region)
            return EnvironmentSnapshot(
                environment: environment.name, account: group.account, region: region, reachedAccount: progress.reachedAccount,
                unreachable: "\(verb) while \(step)")
        }
    }

    func readGroup(
        _ group: AccountGroup, targets: [(DeploymentEnvironment, String)], iamPacer: RequestPacer?, progress: GroupProgress
    ) async -> [EnvironmentSnapshot] {
        guard let firstRegion = targets.first?.1 else { return [] }
        func unreachable(_ reason: String) -> [EnvironmentSnapshot] {
            targets.map { EnvironmentSnapshot(environment: $0.0.name, account: group.account, region: $0.1, unreachable: reason) }
        }
        let base: QueryClient
        let identity: CallerIdentity
        let roles: [IAMRole]
        do {
            progress.begin("obtaining credentials and calling sts:GetCallerIdentity")
            base = try client(for: group.environments[0], region: firstRegion)
            identity = try await STS(client: base).getCallerIdentity()
            if identity.account != group.account {
                return targets.map { EnvironmentSnapshot(environment: $0.0.name, account: group.account, region: $0.1, reachedAccount: identity.account) }
            }
            progress.reached(identity.account)
            progress.begin("calling iam:ListRoles")
            roles = try await IAM(client: base.with(pacer: iamPacer)).listRoles()
        } catch {
            return unreachable(Self.describe(error))
        }
        let byName = Dictionary(roles.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let documents = PolicyDocuments()

        return await withTaskGroup(of: EnvironmentSnapshot.self) { taskGroup in
            for (environment, region) in targets {
                taskGroup.addTask {
                    let snapshot = await self.readRegion(
                        environment: environment, region: region, identity: identity, roles: byName, allRoles: roles, base: base,
                        iamPacer: iamPacer, progress: progress, documents: documents)
                    progress.finish(snapshot)
                    return snapshot
                }
            }
            var out: [EnvironmentSnapshot] = []
            for await snapshot in taskGroup { out.append(snapshot) }
            return out
        }
    }

    func readRegion(
        environment: DeploymentEnvironment, region: String, identity: CallerIdentity, roles: [String: IAMRole], allRoles: [IAMRole],
        base: QueryClient, iamPacer: RequestPacer? = nil, progress: GroupProgress = GroupProgress(),
        documents: PolicyDocuments = PolicyDocuments()
    ) async -> EnvironmentSnapshot {
        let account = environment.account
        var snapshot = EnvironmentSnapshot(environment: environment.name, account: account, region: region, reachedAccount: identity.account)
        func step(_ text: String) { progress.begin(text, environment: environment.name, region: region) }
        do {
            let client = base.with(region: region)
            step("calling cloudformation:DescribeStacks for \(environment.toolkitStackName) in \(region)")
            if let stack = try await CloudFormation(client: client).describeStack(name: environment.toolkitStackName) {
                snapshot.stack = StackSnapshot(
                    name: stack.name, status: stack.status, statusReason: stack.statusReason, parameters: stack.parameters,
                    bootstrapVersion: stack.outputs["BootstrapVersion"].flatMap { Int($0) }, creationTime: stack.creationTime,
                    lastUpdatedTime: stack.lastUpdatedTime)
            }
            let iam = IAM(client: base.with(pacer: iamPacer))
            for kind in RoleKind.allCases {
                guard let role = roles[kind.roleName(qualifier: environment.qualifier, account: account, region: region)] else { continue }
                var roleSnapshot = RoleSnapshot(
                    kind: kind, name: role.name, arn: role.arn, trustPolicy: role.assumeRolePolicyDocument,
                    permissionsBoundary: role.permissionsBoundaryArn)
                if kind == .cfnExec {
                    step("reading the policies of \(role.name) (iam:ListAttachedRolePolicies, GetPolicy, GetPolicyVersion)")
                    roleSnapshot.attachedPolicies = try await attachedPolicies(of: role.name, iam: iam, documents: documents)
                    step("reading the inline policies of \(role.name) (iam:ListRolePolicies, GetRolePolicy)")
                    for name in try await iam.listRolePolicies(roleName: role.name) {
                        roleSnapshot.inlinePolicies.append(
                            PolicySnapshot(name: name, document: try await iam.getRolePolicy(roleName: role.name, policyName: name)))
                    }
                }
                snapshot.roles.append(roleSnapshot)
            }
            let qualifiers = Set(allRoles.compactMap { RoleKind.qualifier(ofRoleName: $0.name, account: account, region: region)?.qualifier })
            snapshot.otherQualifiers = qualifiers.subtracting([environment.qualifier]).sorted()
        } catch {
            return EnvironmentSnapshot(
                environment: environment.name, account: account, region: region, reachedAccount: identity.account,
                unreachable: Self.describe(error))
        }
        return snapshot
    }

    /// Attached managed policies; the documents of customer-managed ones (AWS-managed ones are
    /// known by ARN), read once per account however many regions attach them.
    func attachedPolicies(of roleName: String, iam: IAM, documents: PolicyDocuments) async throws -> [PolicySnapshot] {
        var out: [PolicySnapshot] = []
        for policy in try await iam.listAttachedRolePolicies(roleName: roleName) {
            var snapshot = PolicySnapshot(name: policy.name, arn: policy.arn)
            if !policy.arn.contains(":iam::aws:policy/") {
                snapshot.document = try await documents.document(arn: policy.arn, iam: iam)
            }
            out.append(snapshot)
        }
        return out
    }

    func client(for environment: DeploymentEnvironment, region: String) throws -> QueryClient {
        if let profile = environment.profile {
            return try resolver.client(profile: profile, region: region)
        }
        let access = environment.access
        let sourceProfile = access?.sourceProfile
        let source = try resolver.provider(profile: sourceProfile)
        let endpoints = resolver.endpoints(profile: sourceProfile)
        guard let access else {
            return QueryClient(
                http: resolver.http, credentials: source, region: region, endpoints: endpoints, quota: resolver.quota,
                environment: resolver.clientEnvironment)
        }
        let partition = Partition.of(region: region).name
        let provider = resolver.assumedRole(
            roleArn: "arn:\(partition):iam::\(environment.account):role/\(access.roleName)", source: source, externalId: access.externalId,
            region: region, endpoints: endpoints)
        return QueryClient(
            http: resolver.http, credentials: provider, region: region, endpoints: endpoints, quota: resolver.quota,
            environment: resolver.clientEnvironment)
    }

    /// An error as one line for the report: AWS errors keep code and request id.
    static func describe(_ error: Error) -> String {
        if error is CancellationError { return "the read was cancelled" }
        let text = (error as? LocalizedError)?.errorDescription ?? String(describing: error)
        return text.replacingOccurrences(of: "\n", with: " ")
    }

    /// `120` or `2.5`: seconds as people write them.
    static func format(seconds: Double) -> String {
        seconds == seconds.rounded() && seconds < 1e9 ? String(Int(seconds)) : String(seconds)
    }
}

/// The documents of an account group's customer-managed policies (iam:GetPolicy, then
/// GetPolicyVersion of its default version). IAM is global: a policy attached to the cfn-exec role
/// of every region is read once, the regions' tasks awaiting the same read.
final class PolicyDocuments: @unchecked Sendable {
    private let lock = NSLock()
    private var reads: [String: Task<String, Error>] = [:]

    func document(arn: String, iam: IAM) async throws -> String {
        let read: Task<String, Error> = lock.withLock {
            if let started = reads[arn] { return started }
            let started = Task {
                let metadata = try await iam.getPolicy(arn: arn)
                return try await iam.getPolicyVersion(arn: arn, versionId: metadata.defaultVersionId)
            }
            reads[arn] = started
            return started
        }
        // The group's tasks are cancelled together (deadline, Ctrl-C): cancelling the read is theirs to do.
        return try await withTaskCancellationHandler {
            try await read.value
        } onCancel: {
            read.cancel()
        }
    }
}

/// What an account group has done so far: the call under way (for the group and for each
/// environment × region) and the snapshots already complete. Shared between the group's tasks
/// and the deadline, hence the lock.
final class GroupProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var groupStep = "starting"
    private var steps: [String: String] = [:]
    private var done: [String: EnvironmentSnapshot] = [:]
    private var account: String?

    private static func key(_ environment: String, _ region: String) -> String { "\(environment)\u{0}\(region)" }

    /// Records the step under way for the whole group, or for one environment × region.
    func begin(_ step: String, environment: String? = nil, region: String? = nil) {
        lock.withLock {
            if let environment, let region { steps[Self.key(environment, region)] = step } else { groupStep = step }
        }
    }

    func reached(_ account: String) { lock.withLock { self.account = account } }

    var reachedAccount: String? { lock.withLock { account } }

    func finish(_ snapshot: EnvironmentSnapshot) {
        lock.withLock { done[Self.key(snapshot.environment, snapshot.region)] = snapshot }
    }

    func finished(_ environment: String, _ region: String) -> EnvironmentSnapshot? {
        lock.withLock { done[Self.key(environment, region)] }
    }

    /// The step under way for this environment × region, else the group's.
    func step(_ environment: String, _ region: String) -> String {
        lock.withLock { steps[Self.key(environment, region)] ?? groupStep }
    }
}

/// Runs work with a time limit that holds even when the work does not notice cancellation (a
/// credential process that hangs, a fetch shared by other callers): past the limit the work is
/// cancelled and the caller goes on without waiting for it.
enum Deadline {
    enum Outcome<Value: Sendable>: Sendable {
        case finished(Value)
        case expired
        case cancelled
    }

    static func run<Value: Sendable>(seconds: Double, _ work: @escaping @Sendable () async -> Value) async -> Outcome<Value> {
        let race = Race<Value>()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                race.start(
                    continuation,
                    work: Task { race.settle(.finished(await work())) },
                    timer: Task {
                        do {
                            try await Task.sleep(nanoseconds: UInt64(max(0, min(seconds, 1e9)) * 1_000_000_000))
                            race.settle(.expired)
                        } catch {
                            race.settle(.cancelled)
                        }
                    })
            }
        } onCancel: {
            race.settle(.cancelled)
        }
    }

    /// The first outcome wins; both tasks are cancelled once there is one.
    private final class Race<Value: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Outcome<Value>, Never>?
        private var outcome: Outcome<Value>?
        private var tasks: [Task<Void, Never>] = []

        func start(_ continuation: CheckedContinuation<Outcome<Value>, Never>, work: Task<Void, Never>, timer: Task<Void, Never>) {
            lock.lock()
            tasks = [work, timer]
            if let outcome {
                lock.unlock()
                cancelAll()
                continuation.resume(returning: outcome)
            } else {
                self.continuation = continuation
                lock.unlock()
            }
        }

        func settle(_ result: Outcome<Value>) {
            lock.lock()
            guard outcome == nil else {
                lock.unlock()
                return
            }
            outcome = result
            let waiting = continuation
            continuation = nil
            lock.unlock()
            cancelAll()
            waiting?.resume(returning: result)
        }

        private func cancelAll() {
            let running = lock.withLock { tasks }
            for task in running { task.cancel() }
        }
    }
}
