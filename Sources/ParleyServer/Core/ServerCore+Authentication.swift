import ParleyCore
import ParleyWire

/// The authentication seam (SESSION-4): a `hello`'s credentials leave the core as
/// ``ServerOutput/authenticate(_:_:)`` and the host's answer comes back here, at once or
/// later; nothing else waits for it.
extension ServerCore {
    /// The host's authenticator answered the credentials of connection `id`: the welcome (or
    /// the fatal refusal) goes out now. A visitor who, or whose address, is blocked is refused
    /// here (ABUSE-10). An answer for a connection that closed or timed out meanwhile
    /// (SESSION-3) is ignored.
    public mutating func authenticated(
        _ result: Result<AuthenticatedIdentity, AuthFailure>, on id: ConnectionID, now: Instant
    ) -> [ServerOutput] {
        tell(.answered(id, result))
        return emit(now: now)
    }

    /// Whether connection `id` waits for the answer to its ``ServerOutput/authenticate(_:_:)``:
    /// `false` once it closed or its handshake deadline passed (an answer then is ignored).
    public func awaitsAuthentication(on id: ConnectionID) -> Bool {
        shard.awaitsAuthentication(on: id)
    }

    /// Answers every ``ServerOutput/authenticate(_:_:)`` in `outputs` at once with a
    /// synchronous `authenticator`, replacing it by the outputs of its answer: for hosts (and
    /// tests) whose authenticator never waits.
    public mutating func answeringAuthentication<A: Authenticator>(
        _ outputs: [ServerOutput], with authenticator: inout A, now: Instant
    ) -> [ServerOutput] {
        var answered: [ServerOutput] = []
        for output in outputs {
            guard case .authenticate(let id, let auth) = output else {
                answered.append(output)
                continue
            }
            let result = authenticated(authenticator.authenticate(auth, now: now), on: id, now: now)
            answered += answeringAuthentication(result, with: &authenticator, now: now)
        }
        return answered
    }
}
