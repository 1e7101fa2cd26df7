/// Who receives a ``TypersUpdate``, as data the server's fan-out resolves against the
/// conversation's members (TYPE-8, TYPE-9, TYPE-11).
public enum TypingAudience: Hashable, Sendable {
    /// Every staff member of the conversation (participants and observers) except these users,
    /// who are typing and get their own view.
    case staff(excluding: [String])
    /// Every visitor of the conversation except these users, who are typing and get their own view.
    case visitors(excluding: [String])
    /// Exactly this user's connections: a typer's view, which never includes themselves.
    case user(String)
}
