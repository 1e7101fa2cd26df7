import ParleyCore
import ParleyWire

/// Abuse from one place (ABUSE section): per-address limits on hellos, anonymous visitors and
/// conversations, and the blocks staff put on visitors.
extension ServerCore {
    /// The longest block staff may set (ABUSE-8): 365 days.
    static let maxBlockMs: UInt64 = 365 * 86_400_000

    /// The source address of connection `id` (loopback for one refused before it was admitted).
    func address(of id: ConnectionID) -> SourceAddress { shard.address(of: id) }

    /// Why a hello from `address` is refused before its credentials are checked: the address
    /// is over the handshake rate (ABUSE-3), or the hello is anonymous and the address made
    /// too many anonymous visitors (ABUSE-4). `nil` when the credentials go to the authenticator.
    mutating func admissionRefusal(_ auth: Wire.Auth, from address: SourceAddress, now: Instant) -> AuthFailure? {
        if let refusal = addressLimiter.admit(.handshake, from: address, now: now) {
            return refusal.authFailure("more than \(refusal.limit) hellos a minute from this address")
        }
        if auth.scheme == "anonymous", let refusal = addressLimiter.refusal(.anonymousSession, from: address, now: now) {
            return refusal.authFailure("more than \(refusal.limit) new anonymous visitors an hour from this address")
        }
        return nil
    }

    /// The authenticator's answer for a hello from `address` as the session receives it: a
    /// visitor who, or whose address, is blocked is refused (ABUSE-10); an admitted `anonymous`
    /// visitor counts against its address (ABUSE-4).
    mutating func admitted(
        _ result: Result<AuthenticatedIdentity, AuthFailure>, from address: SourceAddress, anonymous: Bool, now: Instant
    ) -> Result<AuthenticatedIdentity, AuthFailure> {
        if case .success(let admitted) = result, let expiresAt = admitted.expiresAt, expiresAt <= now {
            return .failure(AuthFailure(.tokenExpired, "the credentials expired", requirement: "SESSION-39"))
        }
        guard case .success(let admitted) = result, admitted.identity.role == .visitor else { return result }
        if let retryAfterMs = blocks.retryAfterMs(visitor: admitted.identity.user, address: addressLimiter.limits.key(of: address), now: now) {
            return .failure(AuthFailure(.blocked, "blocked by staff", retryAfterMs: retryAfterMs, requirement: "ABUSE-10"))
        }
        if anonymous { addressLimiter.record(.anonymousSession, from: address, now: now) }
        return result
    }

    /// A conversation was created from `address`: counted against it (ABUSE-5).
    mutating func noteCreated(from address: SourceAddress, now: Instant) {
        addressLimiter.record(.conversation, from: address, now: now)
    }

    /// Runs the abuse commands, and refuses a visitor's `create` over its address's limit
    /// (ABUSE-5); `nil` for every other command.
    mutating func executeAbuse(_ message: Message, from address: SourceAddress, actor: ChatIdentity, now: Instant) -> LiveChatOutcome? {
        switch message {
        case .create where !actor.isStaff:
            guard let refusal = addressLimiter.refusal(.conversation, from: address, now: now) else { return nil }
            return refused(CommandError(
                refusal.code, refusal.requirement, "more than \(refusal.limit) conversations an hour from this address",
                retryAfterMs: refusal.retryAfterMs))
        case .block(let b):
            return block(b, actor: actor, now: now)
        case .unblock(let u):
            guard actor.role == .supervisor else { return refused(CommandError(.forbidden, "ABUSE-11", "only supervisors unblock")) }
            guard blocks.unblock(u.visitor, now: now) else {
                return refused(CommandError(.blockNotFound, "ABUSE-11", "no block in force for \(u.visitor)"))
            }
            return LiveChatOutcome(result: .success(.ok(conversation: nil, cseq: nil)), actions: [])
        case .listBlocks:
            guard actor.role == .supervisor else { return refused(CommandError(.forbidden, "ABUSE-12", "only supervisors list blocks")) }
            return LiveChatOutcome(result: .success(.blocks(blocks.active(now: now))), actions: [])
        default:
            return nil
        }
    }

    /// Blocks a visitor (ABUSE-8): closes their open conversations with reason `blocked`, then
    /// every connection of theirs with BLOCKED (ABUSE-9).
    private mutating func block(_ b: Wire.Block, actor: ChatIdentity, now: Instant) -> LiveChatOutcome {
        guard actor.role == .agent || actor.role == .supervisor else {
            return refused(CommandError(.forbidden, "ABUSE-8", "only agents and supervisors block visitors"))
        }
        guard !b.reason.isEmpty, (1...Self.maxBlockMs).contains(b.durationMs) else {
            return refused(CommandError(.invalidArgument, "ABUSE-8", "a block needs a reason and a duration of 1 ms to 365 days"))
        }
        guard chat.sees(visitor: b.visitor, actor) else {
            return refused(CommandError(.visitorNotFound, "ABUSE-8", "no conversation of \(b.visitor) is visible to you"))
        }
        let address = b.address == true ? users[b.visitor]?.address.map(addressLimiter.limits.key) : nil
        _ = blocks.block(b.visitor, reason: b.reason, by: actor.user, durationMs: b.durationMs, address: address, now: now)
        apply(chat.closeBlocked(b.visitor, by: actor, now: now), now: now)
        end(b.visitor, login: nil, Termination(
            code: .blocked, message: "blocked by staff", requirement: "ABUSE-9", retryAfterMs: b.durationMs), now: now)
        return LiveChatOutcome(result: .success(.ok(conversation: nil, cseq: nil)), actions: [])
    }

    private func refused(_ error: CommandError) -> LiveChatOutcome { LiveChatOutcome(result: .failure(error), actions: []) }
}

extension AddressLimiter.Refusal {
    /// The `error` message for this refusal, with its retry time.
    func reply(_ message: String, rid: UInt64?) -> Wire.ErrorReply {
        Wire.ErrorReply(rid: rid, code: UInt64(code.rawValue), message: message, retryAfterMs: retryAfterMs, requirement: requirement)
    }

    /// This refusal as the answer to a hello.
    func authFailure(_ message: String) -> AuthFailure {
        AuthFailure(code, message, retryAfterMs: retryAfterMs, requirement: requirement)
    }
}
