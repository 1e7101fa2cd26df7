import ParleyCore
import ParleyServer
import ParleyWire

/// Structure-aware fuzzing of the whole reference server (``ServerCore``, sans-I/O): the input
/// is a script (``SessionScript``) of operations: open a connection, send it a message built
/// from the bytes, an undecodable input, drop it, let time pass. ``SessionObserver`` checks every
/// output against the session rules; the core must never crash.
///
/// Deterministic: the clock starts at a fixed instant and moves only when the script says.
public enum SessionOracle {
    /// Small limits, so that a short script reaches SLOW_CONSUMER, the retained-results bound,
    /// the subscription limit and a history page's end.
    static let configuration: ServerConfiguration = {
        var session = SessionConfiguration()
        session.maxRetainedEvents = 12
        session.maxRetainedResults = 6
        session.maxSubscriptions = 3
        session.historyPageMax = 4
        session.maxAttachments = 2
        session.maxText = 64
        return ServerConfiguration(key: Array("fuzz session oracle key, 32 b!!!".utf8), teams: ["support", "billing"], session: session)
    }()

    /// Runs one script.
    public static func check(_ input: UnsafeRawBufferPointer) throws(OracleFailure) {
        var run = SessionRun(script: SessionScript(input), configuration: configuration)
        while run.script.hasMore { try run.step() }
    }
}

/// One script's run: the server, the clock, and what the oracle has sent.
struct SessionRun {
    var script: SessionScript
    var core: ServerCore
    /// Answers every hello at once, as the reference server does.
    var authenticator: ReferenceAuthenticator
    var now = Instant(milliseconds: 1_800_000_000_000)
    var observer = SessionObserver()
    var lastRID: UInt64 = 0
    /// What the hello just built asked for: the session to resume and its credentials.
    var helloSent: (resume: (session: String, lastSeq: UInt64)?, auth: Wire.Auth)?

    static let conversations = ["c1", "c2", "c3", "c9"]
    static let texts = ["hi", "", "hello there", String(repeating: "x", count: 65)]
    static let teams: [String] = ["support", "billing", "nowhere"]
    static let messageIDs = ["m1", "m2", "m3"]
    static let topics = ["presence:visitors", "presence:agents", "presence:team:support", "presence:user:a1", "presence:nope", "chat"]
    static let tickMs: [UInt64] = [0, 1, 100, 1_000, 5_000, 10_000, 25_000, 30_000, 60_000, 120_001, 600_000, 3_600_000]
    /// Codes a decoder or binding may report for bytes that did not decode.
    static let undecodable: [ErrorCode] = [.unknownMessageType, .malformedMessage, .invalidUTF8, .frameTooLarge, .invalidJSON, .badVarint]

    init(script: SessionScript, configuration: ServerConfiguration) {
        self.script = script
        core = ServerCore(configuration: configuration, now: now)
        authenticator = ReferenceAuthenticator(configuration: configuration)
    }

    /// Runs the next operation and checks its outputs.
    mutating func step() throws(OracleFailure) {
        let operation = script.byte() % 24
        if operation == 0 || observer.opened.isEmpty {
            let (id, outputs) = core.open(now: now, from: .loopback)
            try observer.opened(id)
            try carry(outputs, command: nil)
            return
        }
        let id = script.pick(observer.opened)
        switch operation {
        case 21:
            observer.dropped(id)
            try carry(core.connectionClosed(id, now: now), command: nil)
        case 22:
            try advance(by: script.pick(Self.tickMs))
        case 20:
            let outputs = core.receive(undecodable: WireError(script.pick(Self.undecodable), "fuzz"), on: id, now: now)
            try carry(outputs, command: nil)
        default:
            try send(message(operation, on: id), on: id)
        }
    }

    /// Sends `message` on `id` and checks the outputs (a command must be answered once).
    mutating func send(_ message: Message, on id: ConnectionID) throws(OracleFailure) {
        let hello = helloSent
        helloSent = nil
        let command = message.commandRID.map {
            SessionObserver.Command(connection: id, rid: $0, resume: hello?.resume, auth: hello?.auth)
        }
        try carry(core.receive(message, on: id, now: now), command: command)
    }

    /// Checks `outputs` and tells the server each connection it closed is gone, as a transport does.
    mutating func carry(_ outputs: [ServerOutput], command: SessionObserver.Command?) throws(OracleFailure) {
        let outputs = core.confirmingWrites(core.answeringAuthentication(outputs, with: &authenticator, now: now), now: now)
        var closed = try observer.check(outputs, command: command)
        while !closed.isEmpty {
            let id = closed.removeFirst()
            closed += try observer.check(core.connectionClosed(id, now: now), command: nil)
        }
    }

    /// Lets `ms` pass, firing every deadline on the way, each at its instant.
    mutating func advance(by ms: UInt64) throws(OracleFailure) {
        let end = now.adding(milliseconds: ms)
        while let deadline = core.nextDeadline, deadline <= end {
            now = max(now, deadline)
            try carry(core.tick(now: now), command: nil)
            if let next = core.nextDeadline {
                try OracleFailure.require(next > now, "after tick(\(now)) a deadline at \(next) is still due")
            }
        }
        now = end
        try carry(core.tick(now: now), command: nil)
    }

    /// A request id: usually fresh, sometimes the last one again, sometimes the invalid 0.
    mutating func rid() -> UInt64 {
        switch script.byte() {
        case 0..<200: lastRID += 1
        case 200..<250: break
        default: return 0
        }
        return max(lastRID, 1)
    }

    mutating func conversation() -> String { script.pick(Self.conversations) }
    mutating func text() -> String { script.pick(Self.texts) }
    mutating func user() -> String { script.pick(observer.users + ["v1", "a1", "nobody"]) }

    /// Builds the message of `operation` (1…19, 23) for connection `id` from the script.
    mutating func message(_ operation: UInt8, on id: ConnectionID) -> Message {
        switch operation {
        case 1:
            return hello()
        case 2:
            let create = Wire.Create(
                rid: rid(), team: script.maybe(Self.teams), properties: script.flag() ? [Wire.Property(key: "k", value: "v")] : [],
                priority: script.maybe([0, 5, 1 << 40]), tags: script.flag() ? ["vip"] : [], text: script.maybe(Self.texts),
                clientMessageId: script.maybe(Self.messageIDs))
            return .create(create)
        case 3:
            let attachments = Array(
                repeating: Wire.Attachment(name: "a.png", mimeType: "image/png", size: 10, url: "https://x/a.png"), count: Int(script.byte() % 4))
            return .send(Wire.Send(rid: rid(), conversation: conversation(), clientMessageId: script.pick(Self.messageIDs),
                                    text: text(), attachments: attachments))
        case 4:
            return .typing(Wire.Typing(conversation: conversation(), typing: script.flag(), internal: script.maybe([true, false]),
                                        preview: script.maybe(Self.texts)))
        case 5:
            let last = observer.connections[id]?.lastSeq ?? 0
            return .ack(Wire.Ack(seq: script.pick([last, last &+ 1, last &- 1, 0, 1, UInt64(script.byte())])))
        case 6:
            return .join(Wire.Join(rid: rid(), conversation: conversation(), mode: script.maybe([JoinMode.participant, .observer, .takeover])))
        case 7:
            return .transfer(Wire.Transfer(rid: rid(), conversation: conversation(), agent: script.maybe(["a1", "a2", "v1"]),
                                            team: script.maybe(Self.teams), note: script.maybe(Self.texts)))
        case 8:
            return .close(Wire.Close(rid: rid(), conversation: conversation()))
        case 9:
            let topic = script.pick(Self.topics)
            return script.flag() ? .subscribe(Wire.Subscribe(rid: rid(), topic: topic))
                : .unsubscribe(Wire.Unsubscribe(rid: rid(), topic: topic))
        case 10:
            return .setPresence(Wire.SetPresence(rid: rid(), status: script.pick([PresenceStatus.online, .away, .offline]),
                                                  text: script.maybe(Self.texts), page: script.maybe([Wire.Page(url: "https://x/p", title: "P")])))
        case 11:
            return .note(Wire.Note(rid: rid(), conversation: conversation(), clientMessageId: script.pick(Self.messageIDs), text: text()))
        case 12:
            return .leave(Wire.Leave(rid: rid(), conversation: conversation()))
        case 13:
            return .read(Wire.Read(rid: rid(), conversation: conversation(), cseq: UInt64(script.byte() % 16)))
        case 14:
            return .history(Wire.History(rid: rid(), conversation: conversation(), anchor: script.maybe([0, 1, 3, 100]),
                                          direction: script.maybe([Direction.forward, .backward]), limit: script.maybe([0, 1, 4, 1000])))
        case 15:
            return .reopen(Wire.Reopen(rid: rid(), conversation: conversation()))
        case 16:
            return .rate(Wire.Rate(rid: rid(), conversation: conversation(), score: UInt64(script.byte() % 8), comment: script.maybe(Self.texts)))
        case 17:
            return .agentStatus(Wire.AgentStatus(rid: rid(), routing: script.pick([RoutingStatus.accepting, .notAccepting, .offline]),
                                                  maxConcurrent: script.maybe([0, 1, 3, 1 << 40])))
        case 18:
            return .invite(Wire.Invite(rid: rid(), visitor: user(), text: script.maybe(Self.texts)))
        case 19:
            let invitation = script.pick(observer.invitations + ["i-none"])
            return .answerInvitation(Wire.AnswerInvitation(rid: rid(), invitation: invitation, accept: script.flag()))
        default:
            switch script.byte() % 8 {
            case 0: return .ping(Wire.Ping(nonce: UInt64(script.byte())))
            case 1: return .goodbye(Wire.Goodbye(code: UInt64(ErrorCode.goingAway.rawValue)))
            case 2: return .activity(Wire.Activity())
            case 3: return .list(Wire.List(rid: rid(), state: script.maybe([ConversationState.queued, .active, .closed])))
            case 4: return .transcript(Wire.Transcript(rid: rid(), conversation: conversation()))
            case 5: return .setProperties(Wire.SetProperties(rid: rid(), conversation: conversation(),
                                                              properties: [Wire.Property(key: "k", value: text())]))
            case 6: return .pong(Wire.Pong(nonce: 1))  // Server-only: WRONG_DIRECTION.
            default: return .queuePosition(Wire.QueuePosition(conversation: conversation(), position: 1))
            }
        }
    }

    /// A hello: anonymous, a minted token for one of a few users and roles, a bad token, or a
    /// known session's credentials; optionally resuming a known session.
    mutating func hello() -> Message {
        let auth: Wire.Auth
        let expiry = now.adding(milliseconds: 3_600_000)
        switch script.byte() % 8 {
        case 0, 1: auth = Wire.Auth(scheme: "anonymous")
        case 2: auth = token(TokenClaims(user: "v1", role: .visitor, expiresAt: expiry))
        case 3: auth = token(TokenClaims(user: "a1", role: .agent, teams: ["support"], expiresAt: expiry))
        case 4: auth = token(TokenClaims(user: "a2", role: .agent, teams: script.pick([["billing"], ["support", "billing"], ["nowhere"], []]), expiresAt: expiry))
        case 5: auth = token(TokenClaims(user: "s1", role: script.pick([Role.supervisor, .bot]), teams: ["support"], expiresAt: expiry))
        case 6: auth = Wire.Auth(scheme: script.pick(["token", "session", "password"]), credential: script.maybe(["x", "a.b.c"]))
        default:
            let sessions = observer.sessionOrder
            auth = sessions.isEmpty ? Wire.Auth(scheme: "anonymous") : observer.sessions[script.pick(sessions)]!.auth
        }
        var resume: (session: String, lastSeq: UInt64)?
        if script.flag(), !observer.sessionOrder.isEmpty {
            let session = script.pick(observer.sessionOrder)
            let last = observer.sessions[session]!.lastSeq
            resume = (session, script.pick([last, last &- 1, last &- 2, 0, last + 1]))
        }
        let request = resume.map { Wire.ResumeRequest(token: observer.sessions[$0.session]!.resumeToken, lastSeq: $0.lastSeq) }
        let hello = Wire.Hello(rid: rid(), versions: script.pick([[], [1], [2], [2, 1]]), auth: auth, resume: request)
        helloSent = (resume, auth)
        return .hello(hello)
    }

    /// Credentials carrying a token the server minted for `claims`.
    func token(_ claims: TokenClaims) -> Wire.Auth { Wire.Auth(scheme: "token", credential: core.mintToken(claims)) }
}
