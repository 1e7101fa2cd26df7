import ParleyCore
import ParleyServer
import ParleyTransport
import ParleyWire
import Synchronization

/// Test code: the reference server with one ``Fault`` built in, by rewriting what goes in and
/// out of each connection. Everything else is the unmodified server.
final class SabotagingAcceptor: ConnectionAcceptor {
    let server: ParleyServer
    let fault: Fault
    /// Visitor connections, for faults that deliver to visitors what they must not see.
    let visitors = Mutex<[ObjectIdentifier: SabotagedTransport]>([:])

    init(server: ParleyServer, fault: Fault) {
        self.server = server
        self.fault = fault
    }

    func accept(
        _ transport: any ConnectionTransport, profile: ConnectionProfile, from address: SourceAddress, identity: AuthenticatedIdentity?
    ) -> any InboundConnection {
        let wrapped = SabotagedTransport(inner: transport, acceptor: self)
        return SabotagedInbound(
            inner: server.accept(wrapped, profile: profile, from: address, identity: identity), transport: wrapped, fault: fault)
    }

    /// Writes `message` to every visitor connection but `sender`.
    func leak(_ message: Message, from sender: SabotagedTransport) {
        for (id, transport) in visitors.withLock({ $0 }) where id != ObjectIdentifier(sender) { transport.inject([message]) }
    }
}

/// One connection's outbound side, rewritten as the fault says.
final class SabotagedTransport: ConnectionTransport {
    struct State {
        var identity: Wire.Identity?
        var resumed = false
    }

    let inner: any ConnectionTransport
    let acceptor: SabotagingAcceptor
    let state = Mutex(State())

    init(inner: any ConnectionTransport, acceptor: SabotagingAcceptor) {
        self.inner = inner
        self.acceptor = acceptor
    }

    /// The identity the welcome announced, once sent.
    var identity: Wire.Identity? { state.withLock { $0.identity } }

    func write(_ items: [Outbound]) {
        inner.write(items.map(\.message).flatMap(rewrite).map(Outbound.message))
    }

    /// Writes without rewriting (messages the fault makes up).
    func inject(_ messages: [Message]) { inner.write(messages.map(Outbound.message)) }

    func close(reason: ErrorCode?) {
        if acceptor.fault == .keepReplacedConnection, reason == .sessionReplaced { return }
        acceptor.visitors.withLock { $0[ObjectIdentifier(self)] = nil }
        inner.close(reason: reason)
    }

    func setReading(_ enabled: Bool) { inner.setReading(enabled) }

    private func rewrite(_ message: Message) -> [Message] {
        switch (acceptor.fault, message) {
        case (_, .welcome(var welcome)):
            state.withLock { $0.identity = welcome.identity; $0.resumed = welcome.resume?.status == .resumed }
            if welcome.identity.role == .visitor { acceptor.visitors.withLock { $0[ObjectIdentifier(self)] = self } }
            if acceptor.fault == .silentUnknownResume, welcome.resume?.status == .unknown { welcome.resume = nil }
            // Announces a typing expiry of 3 s; the server keeps typers for 60 s.
            if acceptor.fault == .typingNeverExpires { welcome.limits.typingExpiryMs = 3_000 }
            return [.welcome(welcome)]
        case (.wrongRid, .ok(var ok)):
            ok.rid += 1_000
            return [.ok(ok)]
        case (.answerTwice, .ok):
            return [message, message]
        case (.duplicateNotFlagged, .ok(var ok)):
            ok.duplicate = nil
            return [.ok(ok)]
        case (.leakNotes, .event(let event)) where event.event.kind == .note:
            acceptor.leak(message, from: self)
            return [message]
        case (.replayTwice, .event) where state.withLock({ $0.resumed }):
            return [message, message]
        case (.seqGap, .event(var event)) where event.seq >= 2:
            event.seq += 1
            return [.event(event)]
        case (.wrongErrorCode, .error(var error)) where error.code == UInt64(ErrorCode.unsupportedVersion.rawValue):
            error.code = UInt64(ErrorCode.authFailed.rawValue)
            return [.error(error)]
        case (.noRetryAfter, .error(var error)):
            error.retryAfterMs = nil
            return [.error(error)]
        case (.revealOthersConversations, .error(var error)) where error.code == UInt64(ErrorCode.conversationNotFound.rawValue):
            error.code = UInt64(ErrorCode.forbidden.rawValue)
            return [.error(error)]
        case (.wrongPongNonce, .pong(var pong)):
            pong.nonce += 1
            return [.pong(pong)]
        default:
            return [message]
        }
    }
}

/// One connection's inbound side, rewritten as the fault says.
struct SabotagedInbound: InboundConnection {
    let inner: any InboundConnection
    let transport: SabotagedTransport
    let fault: Fault

    func receive(_ message: Message) {
        switch (fault, message) {
        case (.echoTyping, .typing(let typing)) where typing.typing:
            if let me = transport.identity {
                transport.inject([.typers(Wire.Typers(conversation: typing.conversation, typers: [Wire.Typer(user: me.user, role: me.role)]))])
            }
            inner.receive(message)
        case (.ignoreCapacity, .agentStatus(var status)):
            status.maxConcurrent = nil
            inner.receive(.agentStatus(status))
        case (.commandBeforeHello, _) where transport.identity == nil && message.name != "hello" && message.name != "goodbye":
            return
        default:
            inner.receive(message)
        }
    }

    func fail(_ error: WireError, messageType: UInt64?) {
        inner.fail(error, messageType: messageType)
        if fault == .closeOnUnknownType, error.code == .unknownMessageType { transport.inner.close(reason: nil) }
    }

    func transportClosed() { inner.transportClosed() }
}
