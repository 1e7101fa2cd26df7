import ParleyCore
import ParleyServer

/// What one simulation run does: its seed, its length, its population, and the server it runs
/// against (short windows, so that a run crosses resume windows, grace periods and expiries).
public struct SimulationConfiguration: Sendable {
    /// The seed every random choice derives from.
    public var seed: UInt64
    /// How many steps to run before settling (each step is one delivery, user action, drop,
    /// or clock move).
    public var steps: Int
    /// How many visitors are on the site at once (visitors who leave are replaced).
    public var visitors: Int
    /// How many agents serve them.
    public var agents: Int
    /// How many trace lines are kept for a failure report.
    public var traceCapacity = 300
    /// The server's configuration.
    public var server: ServerConfiguration
    /// The longest the host's authenticator takes to answer a hello: each answer comes after a
    /// random delay up to this (answers of different connections then arrive out of order);
    /// 0 answers every hello at once.
    public var authenticationDelayMs: UInt64 = 0
    /// The longest the host's store takes to confirm a batch: each confirmation comes after a
    /// random delay up to this (batches are then confirmed out of order); 0 confirms at once.
    public var persistDelayMs: UInt64 = 0
    /// The chance, in percent, that a write fails; the host then writes it again, after
    /// another random delay (STORE-3).
    public var persistFailurePercent: UInt64 = 0
    /// The server runs inputs in batches, as `ParleyServer` does (`ServerCore.defersFlushes`):
    /// after each input the batch ends with this chance, in percent, drawn from a stream of its
    /// own seeded by ``seed``, and always before the clock moves — so sessions hand out their
    /// events at interleavings a server running one input at a time never produces.
    public var batchEndPercent = 35
    /// The server's session shard and hub run as if on threads of their own
    /// (`ServerCore.stepsMailboxes`): the simulation runs their queued inputs one at a time,
    /// choosing the hub's with this chance, in percent, when both mailboxes hold inputs, from a
    /// stream of its own seeded by ``seed`` — interleavings one lock around the whole server
    /// never produces.
    public var hubFirstPercent = 50
    /// After each server input and each queued input run, the chance, in percent, that the rest
    /// stays queued for later (the shard takes the next transport input while the hub still
    /// works on the last); everything runs before the batch ends.
    public var mailboxPausePercent = 30

    /// A run of `steps` steps from `seed` with `clients` simulated users (about one agent for
    /// every three visitors).
    public init(seed: UInt64, steps: Int, clients: Int = 8) {
        self.seed = seed
        self.steps = steps
        let clients = max(clients, 3)
        agents = max(2, clients / 4)
        visitors = clients - agents
        var session = SessionConfiguration()
        session.resumeWindowMs = 30_000
        session.messageRate = 6_000
        session.messageBurst = 1_000
        session.typingRate = 6_000
        session.typingBurst = 1_000
        session.maxRetainedEvents = 64
        var chat = LiveChatConfiguration()
        chat.defaultMaxConcurrent = 2
        chat.answerTimeoutMs = 45_000
        chat.disconnectGraceMs = 20_000
        chat.inactivityTimeoutMs = 240_000
        // Ended conversations are archived within a run; odd seeds keep no archive in memory and
        // read it back from the store (STORE-5).
        chat.reopenWindowMs = 120_000
        chat.keepsArchive = seed % 2 == 0
        server = ServerConfiguration(
            key: Array("parley simulation key, 32 bytes!".utf8), instance: "sim", teams: ["support"], session: session, chat: chat)
    }
}
