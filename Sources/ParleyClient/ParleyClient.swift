import NIOCore
import NIOPosix
import ParleyClock
import ParleyCore
import ParleyTransport
import ParleyWire
import Synchronization

/// An async Parley client: handshake, acks, heartbeats, resumption after a drop and
/// idempotent re-sends, all by the `ClientSession` machine; this class only moves bytes and
/// time for it.
///
/// ```swift
/// let client = ParleyClient(endpoint: Endpoint("tcp://127.0.0.1:7400")!, auth: .init(scheme: "anonymous"))
/// try await client.connect()
/// let created = try await client.request(.create(.init(rid: 0, text: "Hello!")))
/// for await note in client.notifications { print(note) }
/// ```
public final class ParleyClient: Sendable {
    private struct State: Sendable {
        var session: ClientSession
        var connection: ClientConnection?
        var waiters: [UInt64: CheckedContinuation<Message, any Error>] = [:]
        var established: CheckedContinuation<Void, any Error>?
        var timerGeneration: UInt64 = 0
    }

    /// Everything the session tells its application: events exactly once and in order,
    /// ephemeral updates, re-sync requests, disconnects.
    public let notifications: AsyncStream<ClientSession.Notification>
    private let continuation: AsyncStream<ClientSession.Notification>.Continuation
    private let target: Target
    private let state: Mutex<State>
    private let group: any EventLoopGroup

    /// Where the client connects.
    private enum Target: Sendable {
        case endpoint(Endpoint)
        case inProcess(any ConnectionAcceptor)
    }

    /// Why a request failed without a result from the server.
    public enum Failure: Error, Sendable {
        /// The connection closed before the welcome.
        case handshakeFailed(ClientSession.DisconnectReason?)
        /// The client was closed before the result came.
        case closed
    }

    /// A client for `endpoint` that authenticates with `auth`; nothing happens until ``connect()``.
    public init(endpoint: Endpoint, auth: Wire.Auth, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.target = .endpoint(endpoint)
        self.group = group
        state = Mutex(State(session: ClientSession(configuration: ClientSession.Configuration(auth: auth))))
        (notifications, continuation) = AsyncStream.makeStream()
    }

    /// A client of a server in the same process (the in-process transport: no sockets), such
    /// as a `ParleyServer`.
    public init(server: any ConnectionAcceptor, auth: Wire.Auth) {
        self.target = .inProcess(server)
        self.group = MultiThreadedEventLoopGroup.singleton
        state = Mutex(State(session: ClientSession(configuration: ClientSession.Configuration(auth: auth))))
        (notifications, continuation) = AsyncStream.makeStream()
    }

    /// The session id once established.
    public var sessionID: String? { state.withTSanVisibleLock { $0.session.sessionID } }

    /// The user id the server gave this client, once established.
    public var userID: String? { state.withTSanVisibleLock { $0.session.identity?.user } }

    /// The sequence number of the last event delivered.
    public var lastSeq: UInt64 { state.withTSanVisibleLock { $0.session.lastSeq } }

    /// Opens a connection and completes the handshake (resuming the session after a drop).
    public func connect() async throws {
        let connection: ClientConnection
        switch target {
        case .endpoint(let endpoint): connection = try await ClientConnection.connect(to: endpoint, group: group)
        case .inProcess(let server): connection = ClientConnection.connect(inProcess: server)
        }
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            state.withTSanVisibleLock { state in
                state.connection = connection
                state.established = waiter
                perform(state.session.connect(now: WallClock.now()), &state)
            }
            Task { await self.read(connection) }
        }
    }

    /// Sends a command and waits for its one result (an `ok`, a typed result or an `error`).
    /// The command's rid is assigned by the session.
    public func request(_ command: Message) async throws -> Message {
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Message, any Error>) in
            state.withTSanVisibleLock { state in
                let (rid, actions) = state.session.issue(command, now: WallClock.now())
                state.waiters[rid] = waiter
                perform(actions, &state)
            }
        }
    }

    /// Sends a signal (typing, activity) if connected.
    public func signal(_ message: Message) {
        state.withTSanVisibleLock { state in perform(state.session.signal(message, now: WallClock.now()), &state) }
    }

    /// Drops the connection without a goodbye, as a network failure would (the session stays resumable).
    public func dropConnection() {
        state.withTSanVisibleLock { state in
            state.connection?.close()
            state.connection = nil
            state.session.connectionLost(now: WallClock.now())
        }
    }

    /// Says goodbye and closes; pending requests fail.
    public func close() {
        state.withTSanVisibleLock { state in
            perform(state.session.leave(now: WallClock.now()), &state)
            for waiter in state.waiters.values { waiter.resume(throwing: Failure.closed) }
            state.waiters.removeAll()
        }
        continuation.finish()
    }

    private func read(_ connection: ClientConnection) async {
        for await event in connection.events {
            state.withTSanVisibleLock { state in
                guard state.connection === connection else { return }
                switch event {
                case .message(let message):
                    perform(state.session.receive(message, now: WallClock.now()), &state)
                case .undecodable, .closed:
                    state.connection = nil
                    state.session.connectionLost(now: WallClock.now())
                    state.established?.resume(throwing: Failure.handshakeFailed(nil))
                    state.established = nil
                    continuation.yield(.disconnected(.error(.internalError)))
                }
            }
        }
    }

    private func perform(_ actions: [ClientSession.Action], _ state: inout State) {
        for action in actions {
            switch action {
            case .send(let message):
                state.connection?.send(message)
            case .close:
                state.connection?.close()
                state.connection = nil
            case .armTimer(let deadline):
                state.timerGeneration += 1
                let generation = state.timerGeneration
                let delay = deadline.milliseconds(since: WallClock.now())
                Task {
                    try? await Task.sleep(for: .milliseconds(delay))
                    self.state.withTSanVisibleLock { state in
                        guard state.timerGeneration == generation else { return }
                        perform(state.session.tick(now: WallClock.now()), &state)
                    }
                }
            case .notify(let note):
                switch note {
                case .result(let result):
                    if let rid = result.resultRID, let waiter = state.waiters.removeValue(forKey: rid) {
                        waiter.resume(returning: result)
                    }
                case .established:
                    state.established?.resume()
                    state.established = nil
                    continuation.yield(note)
                case .disconnected(let reason):
                    state.established?.resume(throwing: Failure.handshakeFailed(reason))
                    state.established = nil
                    continuation.yield(note)
                case .resyncNeeded, .event, .ephemeral, .outcomeUnknown, .error:
                    continuation.yield(note)
                }
            }
        }
    }
}
