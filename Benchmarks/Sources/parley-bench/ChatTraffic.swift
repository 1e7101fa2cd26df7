import ParleyCore

/// Deterministic, plausible live-chat traffic: JSON `event` bodies (ConversationEvent shape)
/// with messages between visitors and agents, notes and lifecycle events.
struct ChatTraffic {
    private var random: SplitMix64

    /// The same seed gives the same traffic.
    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    private static let openers = ["Hi", "Hello", "Good morning", "Hey there", "Thanks", "Sorry", "Sure", "Great", "OK"]
    private static let phrases = [
        "I ordered a pair of running shoes last week and they have not arrived yet",
        "could you check the status of order", "my tracking number does not show any update",
        "let me look that up for you", "one moment please while I check with the warehouse",
        "the parcel left our depot yesterday and should arrive within two business days",
        "can I change the delivery address", "I would like to return an item",
        "you can start a return from your account page under Orders", "is there a discount for students",
        "we have a 10% discount code for newsletter subscribers", "the size guide says medium but it feels small",
        "I have issued a full refund to your original payment method",
        "is there anything else I can help you with today", "no that is all, thank you very much",
        "the checkout page shows an error when I enter my card", "which browser are you using",
        "I have escalated this to our billing team", "our store opens at 9am on weekdays",
    ]
    private static let agents = ["agent-anna", "agent-bruno", "agent-chloe", "agent-dmitri", "agent-emma"]
    private static let kinds = ["message", "message", "message", "message", "message", "note", "assigned", "queued", "transferred"]

    private mutating func next() -> UInt64 { random.next() }

    private mutating func pick(_ list: [String]) -> String { list[Int(next() % UInt64(list.count))] }

    /// One event body, e.g. `{"conversation":"c-00042","cseq":7,"kind":"message",…}`.
    mutating func event(index: Int) -> [UInt8] {
        let conversation = 1000 + Int(next() % 400)
        let kind = pick(Self.kinds)
        let visitor = next() % 2 == 0
        var json = #"{"conversation":"c-\#(conversation)","cseq":\#(index / 3 + 1),"kind":"\#(kind)","time":\#(1_763_800_000_000 + index * 1731)"#
        switch kind {
        case "message", "note":
            let sender = visitor && kind == "message" ? "visitor-\(100_000 + Int(next() % 90_000))" : pick(Self.agents)
            var text = pick(Self.openers) + ", " + pick(Self.phrases)
            if next() % 2 == 0 { text += ". " + pick(Self.phrases).capitalizedFirst + " #\(4_000_000 + Int(next() % 999_999))" }
            json += #","sender":"\#(sender)","senderRole":"\#(sender.hasPrefix("visitor") ? "visitor" : "agent")","text":"\#(text)."","clientMessageId":"m-\#(next() % 1_000_000_000)""#
        case "assigned", "transferred":
            json += #","agent":"\#(pick(Self.agents))","team":"support-en""#
        default:
            json += #","team":"sales-en""#
        }
        return Array((json + "}").utf8)
    }
}

extension String {
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
