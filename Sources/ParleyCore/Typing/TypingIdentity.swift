import ParleyWire

/// Who is typing: the sender of a `typing` signal, or the identity a bot or server-side code
/// types on behalf of (TYPE-1).
public struct TypingIdentity: Hashable, Sendable {
    /// The user id.
    public var user: String
    /// Their role, which decides who sees their internal typing and previews (TYPE-9, TYPE-11).
    public var role: Role

    /// An identity.
    public init(user: String, role: Role) {
        self.user = user
        self.role = role
    }
}
