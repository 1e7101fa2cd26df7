/// What a run did, counted: the summary `parley simulate` prints.
public struct SimulationStatistics: Sendable, Hashable {
    /// Random steps run (the settling phase not counted).
    public var steps = 0
    /// Messages carried over simulated connections, both ways.
    public var transported = 0
    /// Chat messages and notes the server accepted.
    public var accepted = 0
    /// Accepted messages and notes handed to a participant's application.
    public var delivered = 0
    /// Connections broken with their in-flight messages discarded.
    public var drops = 0
    /// Welcomes that resumed an earlier session.
    public var resumes = 0
    /// Clients told that events may have been missed (`resyncNeeded`).
    public var gapsReported = 0
    /// Invariant evaluations made.
    public var checks = 0
    /// Clock jumps, slow-consumer pauses, users going away.
    public var clockJumps = 0, slowConsumers = 0, departures = 0
    /// Conversations created.
    public var conversations = 0
    /// Authentication answers that arrived after their connection had closed or timed out
    /// (ignored by the server, SESSION-3).
    public var lateAuthentications = 0
    /// Batches of durable changes the store confirmed, and writes that failed (and were
    /// written again).
    public var batches = 0, failedWrites = 0
    /// Reads of archived conversations the store answered (odd seeds keep no archive in memory).
    public var archiveReads = 0
    /// Servers started from the store at quiet moments and compared with the running one (STORE-6).
    public var recoveries = 0
    /// Observers an observer's `joined` or `left` must never reach, counted per event (CONV-39):
    /// how much the invariant guards.
    public var observersUnseen = 0

    /// Nothing counted yet.
    public init() {}

    /// One line per figure, for a terminal.
    public var summary: String {
        """
        steps \(steps), transported \(transported), accepted \(accepted), delivered \(delivered), \
        drops \(drops), resumes \(resumes), gaps reported \(gapsReported), invariant checks \(checks), \
        conversations \(conversations), clock jumps \(clockJumps), slow consumers \(slowConsumers), departures \(departures), \
        late authentications \(lateAuthentications), batches \(batches), failed writes \(failedWrites), archive reads \(archiveReads), recoveries \(recoveries), \
        observers kept unseen \(observersUnseen)
        """
    }
}

/// A broken invariant: when, which requirements it checks, and what was seen.
public struct SimulationViolation: Sendable, Hashable, CustomStringConvertible {
    /// The step at which it was detected.
    public var step: Int
    /// The requirement ids the invariant checks.
    public var requirements: String
    /// What was seen.
    public var detail: String

    public var description: String { "step \(step): [\(requirements)] \(detail)" }
}

/// The outcome of one seed: its figures, and the first broken invariant with the trace that
/// led to it.
public struct SimulationReport: Sendable {
    /// The seed run.
    public var seed: UInt64
    /// The figures.
    public var statistics: SimulationStatistics
    /// The first broken invariant, if any.
    public var violation: SimulationViolation?
    /// The last trace lines before the violation (empty for a passing run).
    public var trace: [String]
}

extension SimulationStatistics {
    /// Adds another run's figures to these (totals over many seeds).
    public mutating func add(_ other: SimulationStatistics) {
        steps += other.steps
        transported += other.transported
        accepted += other.accepted
        delivered += other.delivered
        drops += other.drops
        resumes += other.resumes
        gapsReported += other.gapsReported
        checks += other.checks
        clockJumps += other.clockJumps
        slowConsumers += other.slowConsumers
        departures += other.departures
        conversations += other.conversations
        lateAuthentications += other.lateAuthentications
        batches += other.batches
        failedWrites += other.failedWrites
        archiveReads += other.archiveReads
        recoveries += other.recoveries
        observersUnseen += other.observersUnseen
    }
}
