import ParleyWire

/// A staff search over transcripts (STORE-9): the messages and internal notes whose text holds
/// every word of ``words``, in the conversations of ``teams``, newest first, one page at a time.
public struct TranscriptQuery: Sendable, Hashable {
    /// The words looked for, lower-cased: letters and digits, each at most 64 bytes, at least one.
    public var words: [String]
    /// The teams whose conversations are searched (the searcher's, CONV-30).
    public var teams: Set<String>
    /// Where the page starts: strictly older than this position; `nil` for the newest.
    public var before: Wire.SearchPosition?
    /// At most this many events in the page.
    public var limit: Int

    /// The most words a query may hold (CONV-36).
    public static let maxWords = 8
    /// The longest word a query may hold, in UTF-8 bytes (CONV-36).
    public static let maxWordBytes = 64

    /// A query for `text`'s words (see ``words(of:)``).
    public init(words: [String], teams: Set<String>, before: Wire.SearchPosition? = nil, limit: Int) {
        self.words = words
        self.teams = teams
        self.before = before
        self.limit = limit
    }

    /// The words of `text` as a search compares them: runs of letters and digits, lower-cased
    /// (every letter, as Unicode lower-cases it).
    public static func words(of text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text {
            if character.isLetter || character.isNumber {
                current.append(contentsOf: character.lowercased())
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// `found` as a page of this query: newest first, at most ``limit`` events.
    public func page(of found: [ChatEvent]) -> [ChatEvent] {
        Array(found.sorted { Wire.SearchPosition($0) > Wire.SearchPosition($1) }.prefix(limit))
    }

    /// Whether `event` is one this query finds: a message or note of a conversation in
    /// ``teams`` (team `team`), older than ``before``, whose text holds every word.
    public func matches(_ event: ChatEvent, team: String) -> Bool {
        guard event.kind == .message || event.kind == .note, teams.contains(team), let text = event.text else { return false }
        if let before, !(Wire.SearchPosition(event) < before) { return false }
        let held = Set(Self.words(of: text))
        return words.allSatisfy(held.contains)
    }
}

/// Where an event stands in search order (the wire's `SearchPosition`: a search's `before`, its
/// result's `next`): newest first by time, then by conversation id and cseq, both descending
/// (STORE-9).
extension Wire.SearchPosition: Comparable {
    /// The position of `event`.
    public init(_ event: Wire.ConversationEvent) {
        self.init(time: event.time, conversation: event.conversation, cseq: event.cseq)
    }

    /// The position of `event`.
    public init(_ event: ChatEvent) { self.init(event.wire) }

    /// Older first: the order a page reads backwards.
    public static func < (lhs: Wire.SearchPosition, rhs: Wire.SearchPosition) -> Bool {
        (lhs.time, lhs.conversation, lhs.cseq) < (rhs.time, rhs.conversation, rhs.cseq)
    }
}
