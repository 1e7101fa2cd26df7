/// The full set of typers of a conversation for one audience; mapped onto the wire message
/// `typers`, which replaces the receiver's previous set (TYPE-2).
public struct TypersUpdate: Hashable, Sendable {
    /// The conversation.
    public var conversation: String
    /// Who is typing, in the order they started (TYPE-10); empty when nobody is.
    public var typers: [ActiveTyper]

    /// An update.
    public init(conversation: String, typers: [ActiveTyper]) {
        self.conversation = conversation
        self.typers = typers
    }
}
