import CoreMetrics
import ParleyClock
import ParleyCore
import ParleyTransport
import ParleyWire
import Synchronization

/// The in-memory reference server as a library: give it connections from any transport
/// (`ConnectionAcceptor`) and it runs the whole protocol on the real clock.
///
/// All protocol state lives in one ``ServerCore`` behind a mutex; outputs are handed to the
/// transports under that lock, so each connection sees its messages in the order the core
/// produced them. A batch of inputs runs in one hold of the lock: the core defers its
/// sessions' flushes to the end of the batch (``ServerCore/defersFlushes``), so a subscriber
/// given many events hands them out at once, and the sends are gathered per connection and
/// handed over once per connection when it ends (`GatheredSends`). Transports never wait for
/// that lock: their inputs go to an inbox, run in batches by whichever thread holds or next
/// takes the lock (`submit(_:)`).
///
/// ```swift
/// let server = ParleyServer(configuration: ServerConfiguration(key: secret))
/// let nio = ParleyNIOServer(acceptor: server, endpoints: health, configuration: .init())   // health: any HTTPEndpoints
/// ```
public final class ParleyServer: ConnectionAcceptor, Sendable {
    struct State: Sendable {
        var core: ServerCore
        var transports: [ConnectionID: any ConnectionTransport] = [:]
        /// Sends of the current hold of the lock, written when it ends.
        var gathered = GatheredSends()
        var armed: Instant?
        var ready = true
        /// Answers the hellos the host's authenticator does not support, at once.
        var reference: ReferenceAuthenticator
    }

    private let state: Mutex<State>
    /// Transport inputs not yet run, in arrival order (which is each connection's order).
    private let inbox = Mutex<[Input]>([])
    let clock: @Sendable () -> Instant
    private let scheduler: any TimerScheduler
    private let metrics: ServerMetrics
    private let authenticator: (any HostAuthenticator)?
    /// Writes the durable changes to the host's store; `nil`: memory only, confirmed at once.
    private let writer: StoreWriter?
    let store: (any DurableStore)?

    /// Creates a server on the real clock (or an injected one, for tests), reporting metrics
    /// to `metrics` (by default swift-metrics' bootstrapped factory). Hellos whose scheme
    /// `authenticator` supports go to it, asynchronously; the others (and all of them when it
    /// is `nil`) to the ``ReferenceAuthenticator``. With a `store`, nothing that depends on a
    /// change is written to a client before the store has made it durable (STORE-1), and ended
    /// conversations leave memory once their reopen window passes, read back from the store
    /// when a command needs them (`LiveChatConfiguration.keepsArchive` is turned off,
    /// STORE-5); without one, state lives in memory only.
    public init(
        configuration: ServerConfiguration, authenticator: (any HostAuthenticator)? = nil, store: (any DurableStore)? = nil,
        clock: @escaping @Sendable () -> Instant = WallClock.now,
        scheduler: any TimerScheduler = DispatchTimerScheduler(), metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        self.clock = clock
        self.scheduler = scheduler
        self.metrics = ServerMetrics(factory: metrics)
        self.authenticator = authenticator
        writer = store.map { StoreWriter(store: $0) }
        self.store = store
        var configuration = configuration
        if store != nil { configuration.chat.keepsArchive = false }
        var core = ServerCore(configuration: configuration, now: clock())
        core.defersFlushes = true  // once per hold of the lock: see `run` and `runInbox`
        state = Mutex(State(core: core, reference: ReferenceAuthenticator(configuration: configuration)))
    }

    /// Starts again from what the store kept (STORE-6): conversations not yet archived with
    /// their history, queues in their order, teams and agents, and timers. Call it once, before
    /// the transports accept connections; without a store there is nothing to recover.
    ///
    /// - Returns: what was rebuilt.
    /// - Throws: the store's error when it cannot be read (do not start serving then).
    @discardableResult
    public func recover() async throws -> Recovery {
        guard let store else { return .init() }
        let recovered = try await store.recover()
        return run { state, now in state.core.recover(recovered, now: now) }
    }

    /// Signs an agent or visitor token with the server's key (scheme `token`).
    public func mintToken(_ claims: TokenClaims) -> String? { read { $0.core.mintToken(claims) } }

    /// Whether the server takes new connections (false once shutting down).
    public var isReady: Bool { read { $0.ready } }

    /// The number of open connections.
    public var connectionCount: Int { read { $0.core.connectionCount } }

    /// Reads the state under the lock, then runs what transports queued meanwhile (every holder
    /// of the lock does, so an input queued while it was held is never left behind).
    private func read<T>(_ body: (State) -> T) -> T {
        let value = state.withTSanVisibleLock { body($0) }
        runInbox()
        return value
    }

    /// Opens a connection in the core for `transport`, carried as `profile` says: the welcome
    /// announces per-frame compression only to a byte stream that can compress (COMP-2); a
    /// published event is encoded in binary once (its size bounds the session logs) and in
    /// JSON only when a JSON connection first writes it (`SharedEvent`); the transport's
    /// codec does the rest. A hello of scheme `transport` is answered with `identity`, who the
    /// transport established the client to be (SESSION-38).
    public func accept(
        _ transport: any ConnectionTransport, profile: ConnectionProfile, from address: SourceAddress, identity: AuthenticatedIdentity?
    ) -> any InboundConnection {
        let id: ConnectionID = run { state, now in
            let (id, outputs) = state.core.open(now: now, from: address, profile: profile, identity: identity)
            state.transports[id] = transport
            return (id, outputs)
        }
        return ServerConnection(server: self, id: id)
    }

    /// Signs `user` out (the application's logout, a revoked account): each of their connections
    /// — or, with `login`, each whose identity came from that login session of the application
    /// (`AuthenticatedIdentity.login`: one device's logout) — closes with `CREDENTIALS_EXPIRED`
    /// (SESSION-39).
    public func signOut(_ user: String, login: String? = nil) {
        run { state, now in ((), state.core.signOut(user, login: login, now: now)) }
    }

    /// Says goodbye to every client (SERVER_SHUTDOWN, reconnect after `reconnectAfterMs`).
    public func shutdown(reconnectAfterMs: UInt64 = 1_000) {
        run { state, now in
            state.ready = false
            return ((), state.core.shutdown(reconnectAfterMs: reconnectAfterMs, now: now))
        }
    }

    /// Runs one input on the core under the lock, performs its outputs and re-arms the timer,
    /// then runs what transports queued meanwhile. `notBefore` makes a timer callback that fires
    /// a little early act at its deadline.
    @discardableResult
    func run<T>(notBefore: Instant? = nil, _ body: (inout State, Instant) -> (T, [ServerOutput])) -> T {
        let now = max(clock(), notBefore ?? Instant(rawValue: 0))
        let value = state.withTSanVisibleLock { state in
            let (value, outputs) = body(&state, now)
            perform(outputs, state: &state, now: now)
            endHold(&state, now: now)
            return value
        }
        runInbox()
        return value
    }

    /// An input from a transport, queued in the inbox.
    enum Input: Sendable {
        case message(ConnectionID, Message)
        case undecodable(ConnectionID, WireError, messageType: UInt64?)
        case closed(ConnectionID)
        /// The host's authenticator answered a connection's hello.
        case authenticated(ConnectionID, Result<AuthenticatedIdentity, AuthFailure>)
        /// The store writer wrote batches, or failed to write one.
        case stored(StoreWriter.Outcome)
        /// The store answered a read of archived conversations or a search (`nil`: it failed).
        case loaded(UInt64, ArchivedConversations?)
    }

    /// Queues a transport's input and runs the inbox if the core's lock is free. If another
    /// thread holds it, that thread runs the input when it lets go (``run(notBefore:_:)``,
    /// ``runInbox()``): an event loop never sleeps on the lock, and many inputs share one
    /// acquisition under load. One inbox keeps every connection's inputs in order.
    func submit(_ input: Input) {
        inbox.withTSanVisibleLock { $0.append(input) }
        // One batch inline, the rest on the scheduler's thread: under load the core then runs
        // there while the event loops read and write (`Scripts/fanout-cpu.sh`, 1 → 1,000 at max
        // rate: 1.40–1.71 µs per delivery against 1.89–2.23 µs with eight batches inline, and a
        // lower p99 at 200 msg/s × 1,000).
        runInbox(maxRounds: 1)
    }

    /// Runs queued inputs in batches while the lock is free. Stops when the inbox is empty or
    /// another thread holds the lock (it checks the inbox after letting go, so nothing is left
    /// behind); after `maxRounds` batches it hands the rest to the scheduler's thread so that
    /// no transport thread is kept from its own I/O.
    private func runInbox(maxRounds: Int = 8) {
        for _ in 0..<maxRounds {
            guard inbox.withTSanVisibleLock({ !$0.isEmpty }) else { return }
            let ran: Void? = state.withTSanVisibleLockIfAvailable { state in
                var batch: [Input] = []
                inbox.withTSanVisibleLock { swap(&batch, &$0) }
                let now = clock()
                for input in batch { perform(Self.outputs(of: input, core: &state, now: now), state: &state, now: now) }
                endHold(&state, now: now)
            }
            if ran == nil { return }
        }
        let now = clock()
        scheduler.schedule(at: now, now: now) { [weak self] in self?.runInbox() }
    }

    /// Runs one transport input on the core.
    private static func outputs(of input: Input, core state: inout State, now: Instant) -> [ServerOutput] {
        switch input {
        case .message(let id, let message):
            return state.core.receive(message, on: id, now: now)
        case .undecodable(let id, let error, let messageType):
            return state.core.receive(undecodable: error, messageType: messageType, on: id, now: now)
        case .closed(let id):
            state.transports[id] = nil
            return state.core.connectionClosed(id, now: now)
        case .authenticated(let id, let result):
            return state.core.authenticated(result, on: id, now: now)
        case .stored(.written(let batches)):
            return batches.flatMap { state.core.persisted($0, now: now) }
        case .stored(.failed(let batch)):
            return state.core.persistFailed(batch, now: now)
        case .loaded(let id, let answer):
            return state.core.loaded(id, answer, now: now)
        }
    }

    private func perform(_ outputs: [ServerOutput], state: inout State, now: Instant) {
        var sent = 0
        for output in outputs {
            switch output {
            case .send(let id, let messages):
                state.gathered.add(messages, to: id)
                sent += messages.count
            case .measured(let measure):
                metrics.record(measure)
            case .close(let id, let code):
                let gathered = state.gathered.take(id)
                if let transport = state.transports.removeValue(forKey: id) {
                    if !gathered.isEmpty { transport.write(gathered) }
                    transport.close(reason: code)
                }
                metrics.disconnected(code)
            case .authenticate(let id, let auth):
                guard let authenticator, authenticator.supports(scheme: auth.scheme) else {
                    let answer = state.reference.authenticate(auth, now: now)
                    perform(state.core.authenticated(answer, on: id, now: now), state: &state, now: now)
                    continue
                }
                let request = AuthenticationRequest(connection: id, auth: auth, address: state.core.address(of: id))
                Task { [weak self] in
                    let answer = await authenticator.authenticate(request)
                    self?.submit(.authenticated(id, answer))
                }
            case .persist(let batch):
                guard let writer else {
                    perform(state.core.persisted(batch.id, now: now), state: &state, now: now)
                    continue
                }
                writer.enqueue(batch) { [weak self] outcome in
                    self?.metrics.stored(outcome)
                    self?.submit(.stored(outcome))
                }
            case .load(let request):
                guard let store else { continue }  // without a store the archive stays in memory: no reads
                Task { [weak self] in
                    let answer = try? await store.answer(request.query)
                    self?.metrics.storeRead(failed: answer == nil)
                    self?.submit(.loaded(request.id, answer))
                }
            }
        }
        if sent > 0 { metrics.sent(sent) }
        metrics.connectionCount(state.core.connectionCount)
    }

    /// Ends a hold of the lock: the sessions hand out what the batch gave them, the gathered
    /// sends go to the transports, and the timer is armed for the core's next deadline.
    private func endHold(_ state: inout State, now: Instant) {
        perform(state.core.flushDeferred(now: now), state: &state, now: now)
        writeGathered(&state)
        arm(&state, now: now)
    }

    /// Hands each connection's gathered sends to its transport, once per connection.
    private func writeGathered(_ state: inout State) {
        for (id, items) in state.gathered.takeAll() { state.transports[id]?.write(items) }
    }

        private func arm(_ state: inout State, now: Instant) {
        guard let deadline = state.core.nextDeadline else { return }
        if let armed = state.armed, armed <= deadline, armed > now { return }
        state.armed = deadline
        scheduler.schedule(at: deadline, now: now) { [weak self] in
            self?.run(notBefore: deadline) { state, now in
                if state.armed == deadline { state.armed = nil }
                return ((), state.core.tick(now: now))
            }
        }
    }

    fileprivate func received() { metrics.received() }
}

/// A transport's handle to its connection in a ``ParleyServer``.
struct ServerConnection: InboundConnection {
    let server: ParleyServer
    let id: ConnectionID

    func receive(_ message: Message) {
        server.received()
        server.submit(.message(id, message))
    }

    func fail(_ error: WireError, messageType: UInt64?) {
        server.submit(.undecodable(id, error, messageType: messageType))
    }

    func transportClosed() { server.submit(.closed(id)) }
}
