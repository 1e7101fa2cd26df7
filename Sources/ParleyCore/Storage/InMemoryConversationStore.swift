import ParleyWire

/// A ``ConversationStore`` in memory: an array of events per conversation (index = cseq - 1)
/// a set of ids per state and a list per visitor, and the archived conversations' final records.
public struct InMemoryConversationStore: ConversationStore, Sendable {
    private var history: [String: [ChatEvent]] = [:]
    private var states: [String: ConversationState] = [:]
    private var byState: [ConversationState: Set<String>] = [:]
    private var archive: [String: ConversationMachine] = [:]
    private var byVisitor: [String: [String]] = [:]

    /// Creates an empty store.
    public init() {}

    public mutating func append(_ event: ChatEvent) {
        history[event.conversation, default: []].append(event)
        if event.wire.kind == .created, let visitor = event.wire.sender { byVisitor[visitor, default: []].append(event.conversation) }
    }

    public func events(of conversation: String, in range: ClosedRange<UInt64>) -> [ChatEvent] {
        guard let events = history[conversation], !events.isEmpty, range.lowerBound <= UInt64(events.count) else { return [] }
        let lower = Int(max(range.lowerBound, 1)) - 1
        let upper = Int(min(range.upperBound, UInt64(events.count))) - 1
        return lower <= upper ? Array(events[lower...upper]) : []
    }

    public mutating func setState(_ state: ConversationState, of conversation: String) {
        if let old = states[conversation] { byState[old]?.remove(conversation) }
        states[conversation] = state
        byState[state, default: []].insert(conversation)
    }

    public func conversations(in state: ConversationState) -> [String] {
        (byState[state] ?? []).sorted()
    }

    public func conversations(ofVisitor visitor: String) -> [String] { byVisitor[visitor] ?? [] }

    public mutating func archive(_ conversation: ConversationMachine) {
        archive[conversation.id] = conversation
    }

    public func archived(_ conversation: String) -> ConversationMachine? { archive[conversation] }

    public mutating func forget(_ conversation: String) {
        let visitor = history[conversation]?.first?.wire.sender ?? archive[conversation]?.visitor
        history[conversation] = nil
        if let state = states.removeValue(forKey: conversation) { byState[state]?.remove(conversation) }
        archive[conversation] = nil
        guard let visitor else { return }
        byVisitor[visitor]?.removeAll { $0 == conversation }
        if byVisitor[visitor]?.isEmpty == true { byVisitor[visitor] = nil }
    }
}
