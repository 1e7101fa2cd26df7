import ParleyCore
import ParleyWire

/// The reference server's authenticator: agents' and visitors' signed tokens (scheme `token`,
/// SESSION-6) and anonymous visitors with their resumable session tokens (schemes `anonymous`
/// and `session`, SESSION-7), all under the configuration's key.
///
/// A host that answers ``ServerOutput/authenticate(_:_:)`` itself may use it for these schemes
/// and its own directory for the rest:
///
/// ```swift
/// var reference = ReferenceAuthenticator(configuration: configuration)
/// let outputs = core.answeringAuthentication(core.receive(hello, on: id, now: now), with: &reference, now: now)
/// ```
public struct ReferenceAuthenticator: Authenticator, Sendable {
    private var schemes: AuthenticatorPair<SignedTokenAuthenticator, AnonymousVisitorAuthenticator>

    /// Signed tokens and anonymous visitors under `configuration`'s key; anonymous visitor ids
    /// carry its instance name.
    public init(configuration: ServerConfiguration) {
        schemes = AuthenticatorPair(
            SignedTokenAuthenticator(key: configuration.key),
            AnonymousVisitorAuthenticator(key: configuration.key, instance: configuration.instance))
    }

    public func supports(scheme: String) -> Bool { schemes.supports(scheme: scheme) }

    public mutating func authenticate(_ auth: Wire.Auth, now: Instant) -> Result<AuthenticatedIdentity, AuthFailure> {
        schemes.authenticate(auth, now: now)
    }
}
