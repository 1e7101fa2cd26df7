import ParleyWire

/// What outlives a connection: the session's identity, resume token, event log, commands in
/// progress, recent results and subscriptions (SESSION-15).
struct SessionState: Sendable {
    /// A command handed to the application layer and not yet answered.
    struct InFlight: Sendable {
        var fingerprint: Int
        /// The connection that sent it (or re-sent it after a resumption).
        var connection: ConnectionID
        var idempotencyKey: IdempotencyCache.Key?
        /// The topic of a subscribe, counted against maxSubscriptions until answered.
        var subscribing: String?
        var unsubscribing: String?
    }

    let id: String
    /// Who the session belongs to, as authenticated (out of line: read rarely, at a resume and by the host).
    var identity: Wire.Identity { storedIdentity.value }
    private let storedIdentity: OutOfLine<Wire.Identity>
    let resumeToken: String
    /// The session's events from the first unacknowledged one, and its send cursor (HUB-7).
    var events: OutboundLog<SharedEvent>
    var inFlight: [UInt64: InFlight] = [:]
    var results: RetainedResults
    var subscriptions: Set<String> = []
    /// The connection the session is attached to, `nil` while detached.
    var attached: ConnectionID?

    init(id: String, identity: Wire.Identity, resumeToken: String, attached: ConnectionID, resultCapacity: Int,
         eventLimits: QueueLimits) {
        self.id = id
        events = OutboundLog(encoding: .binary, limits: eventLimits)
        storedIdentity = OutOfLine(identity)
        self.resumeToken = resumeToken
        self.attached = attached
        results = RetainedResults(capacity: resultCapacity)
    }

    /// Subscriptions held plus those requested and not yet answered.
    var subscriptionCount: Int {
        subscriptions.count + inFlight.values.count(where: { $0.subscribing.map { !subscriptions.contains($0) } ?? false })
    }
}
