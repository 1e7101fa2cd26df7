import ParleyCore
import ParleyServer
import ParleyWire

/// The reference server's whole core (`ServerCore`) with many simulated clients on a
/// simulated network and clock, all driven from one seed (issue 10, Spec/simulation.md).
///
/// Each step is one random move: carry a message over one connection (different connections
/// interleave freely, one connection's order is kept), a user action, a connection breaking
/// with its in-flight messages lost, the clock moving or jumping, a client pausing its reads,
/// a user going away. After every step the invariants are checked; at the end everyone comes
/// back, the network drains, expiries pass, and convergence is checked.
///
/// ```swift
/// let report = Simulation.check(SimulationConfiguration(seed: 7, steps: 5_000))
/// if let violation = report.violation { print(violation, report.trace.joined(separator: "\n")) }
/// ```
public struct Simulation: Sendable {
    /// The run's settings.
    public let configuration: SimulationConfiguration
    var core: ServerCore
    var random: SimulationRandom
    /// Where the server's batches of inputs end (``SimulationConfiguration/batchEndPercent``).
    var batchEnds: SimulationRandom
    /// Which of the server's mailboxes runs next, and when the server's input returns with
    /// inputs still queued (``SimulationConfiguration/hubFirstPercent``, ``SimulationConfiguration/mailboxPausePercent``).
    var mailboxChoices: SimulationRandom
    var now = Instant(milliseconds: 1_800_000_000_000)
    var users: [SimulatedUser] = []
    var userByName: [String: Int] = [:]
    var links: [SimulatedLink] = []
    /// Broken connections the server learns about later: (when, which).
    var lateNotices: [(at: Instant, id: ConnectionID)] = []
    /// Connections whose hello the authenticator answered while their link reached the client,
    /// until the server establishes their session (``noteEstablishedSessions()``).
    var establishing: Set<ConnectionID> = []
    /// The host's authenticator (the reference server's).
    var authenticator: ReferenceAuthenticator
    /// Hellos whose authentication answer is still on its way: (when it arrives, which, what).
    var authentications: [(at: Instant, id: ConnectionID, auth: Wire.Auth)] = []
    /// Batches the host's store is writing: (when the write ends, which).
    var writes: [(at: Instant, batch: PersistBatch)] = []
    /// What the store holds: every confirmed batch (STORE-1, STORE-2), applied in batch order.
    var store = StoreContents()
    /// Confirmed batches waiting for an earlier one to be applied, and the last batch applied.
    var confirmedAhead: [UInt64: PersistBatch] = [:]
    var appliedThrough: UInt64 = 0
    /// Reads of archived conversations the store is answering: (when the answer arrives, which).
    var reads: [(at: Instant, request: LoadRequest)] = []
    /// The conversation sequence number up to which accepted events have been accounted for.
    var accountedCseq: [String: UInt64] = [:]
    /// Each conversation's staff when its events were last accounted.
    var accountedStaff: [String: [String]] = [:]
    /// Each conversation's observers when its events were last accounted (CONV-39).
    var accountedObservers: [String: Set<String>] = [:]
    /// Everyone who has been staff of each conversation.
    var everStaff: [String: Set<String>] = [:]
    /// Observers' `joined` and `left` events, by conversation, with the observer each names.
    var attendance: [String: [(cseq: UInt64, observer: String)]] = [:]
    /// The users each observer's `joined` or `left` must never reach as an event: the other
    /// observers of the conversation when it was appended, and those who joined it later as
    /// observers without having been its staff before (CONV-39).
    var unseenBy: [MessageKey: Set<String>] = [:]
    /// (sender, clientMessageId) of every accepted message and note.
    var acceptedKeys: Set<String> = []
    /// Active conversations per agent after the previous step.
    var previousLoad: [String: Int] = [:]
    /// Whether the run is in its closing phase (no more faults).
    var settling = false
    /// The figures so far.
    public internal(set) var statistics = SimulationStatistics()
    /// The first broken invariant.
    public internal(set) var violation: SimulationViolation?
    /// The trace of the run.
    public internal(set) var trace: TraceRecorder

    /// A run ready to start; `traced` records a readable trace (slower).
    public init(configuration: SimulationConfiguration, traced: Bool = false) {
        self.configuration = configuration
        core = ServerCore(configuration: configuration.server, now: now)
        core.defersFlushes = true
        core.stepsMailboxes = true
        authenticator = ReferenceAuthenticator(configuration: configuration.server)
        random = SimulationRandom(seed: configuration.seed)
        batchEnds = SimulationRandom(seed: configuration.seed ^ 0xBA7C_4E5D)
        mailboxChoices = SimulationRandom(seed: configuration.seed ^ 0x3A11_B0C5)
        trace = TraceRecorder(capacity: configuration.traceCapacity, enabled: traced)
        for index in 0..<configuration.agents { addAgent("agent\(index)") }
        for _ in 0..<configuration.visitors { addVisitor() }
    }

    /// Runs one seed; when an invariant breaks, runs it again with the trace on (the run is
    /// deterministic) and returns the trace up to the violation.
    public static func check(_ configuration: SimulationConfiguration) -> SimulationReport {
        var simulation = Simulation(configuration: configuration)
        simulation.run()
        guard let violation = simulation.violation else {
            return SimulationReport(seed: configuration.seed, statistics: simulation.statistics, violation: nil, trace: [])
        }
        var traced = Simulation(configuration: configuration, traced: true)
        traced.run()
        return SimulationReport(seed: configuration.seed, statistics: simulation.statistics, violation: violation, trace: traced.trace.recent)
    }

    /// Runs the configured steps, then settles; stops at the first broken invariant.
    public mutating func run() {
        while statistics.steps < configuration.steps && violation == nil { step() }
        if violation == nil { settle() }
    }

    /// One random move, then the invariants.
    mutating func step() {
        statistics.steps += 1
        fireDue()
        switch Int.random(in: 0..<1_000, using: &random) {
        case 0..<460: carry()
        case 460..<760: act()
        case 760..<900: advance(by: UInt64.random(in: 0...1_500, using: &random))
        case 900..<915: breakLink()
        case 915..<925: slowDown()
        case 925..<931: goAway()
        case 931..<933: jump()
        default: advance(by: UInt64.random(in: 0...150, using: &random))
        }
        accountAccepted()
        if statistics.steps % 500 == 0 { checkRecovery() }
    }

    // MARK: Population

    mutating func addAgent(_ name: String) {
        let token = core.mintToken(TokenClaims(
            user: name, role: .agent, teams: configuration.server.teams, expiresAt: now.adding(milliseconds: 10 * 365 * 86_400_000)))
        let index = users.count
        users.append(SimulatedUser(index: index, role: .agent, name: name, auth: Wire.Auth(scheme: "token", credential: token)))
        userByName[name] = index
        users[index].reconnectAt = now
    }

    mutating func addVisitor() {
        let index = users.count
        users.append(SimulatedUser(index: index, role: .visitor, name: nil, auth: Wire.Auth(scheme: "anonymous")))
        users[index].reconnectAt = now
    }

    /// Users still taking part.
    var presentUsers: [Int] { users.indices.filter { users[$0].lifecycle == .present } }

    /// The name of user `index`, for traces.
    func label(_ index: Int) -> String { users[index].name ?? "u\(index)" }

    // MARK: Trace and violations

    /// Whether trace lines are recorded (call sites build them only then).
    var tracing: Bool { trace.isEnabled }

    /// Records a trace line for the current step.
    mutating func log(_ line: String) { trace.record(step: statistics.steps, now: now, line) }

    mutating func fail(_ requirements: String, _ detail: String) {
        guard violation == nil else { return }
        violation = SimulationViolation(step: statistics.steps, requirements: requirements, detail: detail)
        if tracing { log("VIOLATION [\(requirements)] \(detail)") }
    }
}
