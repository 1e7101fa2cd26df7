import ParleyWire

/// One identity typing in a conversation, as a receiver sees it; mirrors the wire structure
/// `Typer` (TYPE-2).
public struct ActiveTyper: Hashable, Sendable {
    /// Who is typing.
    public var user: String
    /// Their role.
    public var role: Role
    /// True when typing an internal note (only ever sent to staff, TYPE-9).
    public var isInternal: Bool
    /// The visitor's draft (only ever sent to staff, TYPE-11).
    public var preview: String?

    /// A typer; not internal and without preview unless stated.
    public init(user: String, role: Role, isInternal: Bool = false, preview: String? = nil) {
        self.user = user
        self.role = role
        self.isInternal = isInternal
        self.preview = preview
    }
}
