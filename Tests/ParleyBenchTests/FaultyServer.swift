import ParleyBench
import ParleyNIO
import ParleyCore
import ParleyServer
import ParleyTransport
import ParleyWire
import Synchronization

/// A reference server whose transports misbehave on purpose, to prove the bench counts what
/// a broken server does: every delivered probe with index ≡ 3 (mod 10) is dropped, ≡ 5 is
/// sent twice, and ≡ 7 is held back until the next write (arriving out of order).
final class FaultyAcceptor: ConnectionAcceptor {
    let server: ParleyServer
    let faulty: Bool

    init(server: ParleyServer, faulty: Bool) {
        self.server = server
        self.faulty = faulty
    }

    func accept(
        _ transport: any ConnectionTransport, profile: ConnectionProfile, from address: SourceAddress, identity: AuthenticatedIdentity?
    ) -> any InboundConnection {
        server.accept(faulty ? FaultyTransport(inner: transport) : transport, profile: profile, from: address, identity: identity)
    }
}

/// Drops, duplicates and delays probe deliveries (see ``FaultyAcceptor``).
final class FaultyTransport: ConnectionTransport {
    private let inner: any ConnectionTransport
    private let held = Mutex<[Message]>([])

    init(inner: any ConnectionTransport) { self.inner = inner }

    func write(_ items: [Outbound]) {
        let messages = items.map(\.message)
        let release = held.withLock { held in defer { held = [] }; return held }
        var out: [Message] = []
        var hold: [Message] = []
        for message in messages {
            guard case .event(let e) = message, let text = e.event.text,
                  let probe = Array(text.utf8).withUnsafeBytes({ Probe.find(in: $0) }) else {
                out.append(message)
                continue
            }
            switch probe.index % 10 {
            case 3: continue
            case 5: out += [message, message]
            case 7: hold.append(message)
            default: out.append(message)
            }
        }
        held.withLock { $0 += hold }
        inner.write((out + release).map(Outbound.message))
    }

    func close(reason: ErrorCode?) { inner.close(reason: reason) }

    func setReading(_ enabled: Bool) { inner.setReading(enabled) }
}
