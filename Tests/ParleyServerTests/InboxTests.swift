import ParleyCore
import ParleyClient
import ParleyServer
import ParleyWire
import Dispatch
import Synchronization
import Testing

/// Inputs from many threads at once go through the server's inbox: whichever thread holds the
/// core's lock runs what others queued, so none waits and none is left behind.
@Suite struct InboxTests {
    @Test func concurrentInputsAreAllRunInEachConnectionsOrder() async throws {
        let server = ParleyServer(configuration: ServerConfiguration(key: Array(0..<32)))
        let connections = 8
        let pings: UInt64 = 500
        // Per connection: the pong nonces in the order they arrived.
        let pongs = Mutex<[[UInt64]]>(Array(repeating: [], count: connections))
        let welcomed = Mutex(0)
        let clients = (0..<connections).map { index in
            InProcessConnection.connect(
                to: server,
                onMessage: { message in
                    switch message {
                    case .pong(let pong): pongs.withLock { $0[index].append(pong.nonce) }
                    case .welcome: welcomed.withLock { $0 += 1 }
                    default: break
                    }
                },
                onClose: {})
        }
        for client in clients { client.send(Message.hello(Wire.Hello(rid: 1, versions: [1], auth: Wire.Auth(scheme: "anonymous")))) }
        #expect(welcomed.withLock { $0 } == connections)

        // Every connection fires its pings from its own thread, all at once (GCD's threads, not
        // the cooperative pool: CPU-bound tests of a full run can hold the pool for longer than
        // the server's heartbeat timeout, which these silent clients would then hit).
        DispatchQueue.concurrentPerform(iterations: connections) { index in
            for nonce in 1...pings { clients[index].send(Message.ping(Wire.Ping(nonce: nonce))) }
        }
        // Bounded wait for the last inputs (a thread may still be running the inbox).
        for _ in 0..<200 where pongs.withLock({ $0.contains { UInt64($0.count) < pings } }) {
            try await Task.sleep(for: .milliseconds(10))
        }
        for received in pongs.withLock({ $0 }) {
            #expect(received == Array(1...pings), "every ping answered once, in order")
        }
    }

    @Test func anInputQueuedWhileTheLockIsHeldRunsWhenItIsLetGoWithoutWaiting() async throws {
        let server = ParleyServer(configuration: ServerConfiguration(key: Array(0..<32)))
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let released = Mutex(false)
        let answeredB = Mutex<[UInt64]>([])
        // A's callback runs under the server's lock: on its pong it holds the lock until the
        // test lets go (at most 2 minutes: a full `swift test` can keep this test's task
        // waiting for a thread for many seconds).
        let a = InProcessConnection.connect(
            to: server,
            onMessage: { message in
                guard case .pong = message else { return }
                holding.signal()
                _ = release.wait(timeout: .now() + .seconds(120))
                released.withLock { $0 = true }
            },
            onClose: {})
        let b = InProcessConnection.connect(
            to: server, onMessage: { message in if case .pong(let p) = message { answeredB.withLock { $0.append(p.nonce) } } },
            onClose: {})
        for client in [a, b] { client.send(Message.hello(Wire.Hello(rid: 1, versions: [1], auth: Wire.Auth(scheme: "anonymous")))) }

        // The holder runs on a dispatch thread, and this test waits without blocking its own:
        // the cooperative pool may have a single thread (a blocked one would deadlock it).
        let held = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            a.send(Message.ping(Wire.Ping(nonce: 1)))
            held.signal()
        }
        while holding.wait(timeout: .now()) != .success { try await Task.sleep(for: .milliseconds(1)) }
        b.send(Message.ping(Wire.Ping(nonce: 7)))
        // B's input was queued, not waited for: the lock is still held.
        #expect(!released.withLock { $0 })
        #expect(answeredB.withLock { $0 }.isEmpty)
        release.signal()
        while held.wait(timeout: .now()) != .success { try await Task.sleep(for: .milliseconds(5)) }
        for _ in 0..<200 where answeredB.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(10)) }
        #expect(answeredB.withLock { $0 } == [7], "the holder ran B's input when it let go")
    }
}
