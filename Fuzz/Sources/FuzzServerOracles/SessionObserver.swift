import ParleyCore
import ParleyServer
import ParleyWire

/// What the `FuzzSession` oracle knows of the server's connections and sessions, learned only
/// from what the server sent, and the rules every output must keep.
///
/// The rules: no output for a connection that was never opened or is closed; a command is
/// answered exactly once while its connection stays open, with its own rid, on its own
/// connection (SESSION-12); every error code is in the spec's table (ERR-1); each connection's
/// events carry seqs 1, 2, 3… or, after a resumed welcome, `replayFrom`, +1… (SESSION-10,
/// SESSION-14), and a replayed event is the event first sent with that seq; a visitor never
/// receives an internal note (CONV section); a resumed welcome keeps its session id, a new one
/// never reuses one.
struct SessionObserver {
    /// One connection as the client on it would see it.
    struct Connection {
        var closed = false
        var role: Role?
        var session: String?
        /// The seq the next event must carry.
        var nextSeq: UInt64 = 1
        /// The last seq received (what a client would ack or resume from).
        var lastSeq: UInt64 = 0
        /// The credentials that authenticate this user again (for a resume).
        var auth: Wire.Auth?
    }

    /// One session, across the connections that carried it.
    struct Session {
        var resumeToken: String
        var auth: Wire.Auth
        /// Every event seen on the session, by seq (replays must match).
        var events: [UInt64: Message] = [:]
        var lastSeq: UInt64 = 0
    }

    /// A command sent in the step being checked.
    struct Command {
        var connection: ConnectionID
        var rid: UInt64
        /// For a hello: the session it asked to resume and the lastSeq it gave.
        var resume: (session: String, lastSeq: UInt64)?
        /// For a hello: the credentials it carried.
        var auth: Wire.Auth?
    }

    private(set) var connections: [ConnectionID: Connection] = [:]
    /// Connections in the order they were opened (picks index into it).
    private(set) var opened: [ConnectionID] = []
    private(set) var sessions: [String: Session] = [:]
    /// Sessions in the order they were opened.
    private(set) var sessionOrder: [String] = []
    /// Users seen in welcomes, and invitation ids seen in events, in order.
    private(set) var users: [String] = []
    private(set) var invitations: [String] = []

    /// Records a connection the server just opened.
    mutating func opened(_ id: ConnectionID) throws(OracleFailure) {
        try OracleFailure.require(connections[id] == nil, "connection \(id.rawValue) was opened twice")
        connections[id] = Connection()
        opened.append(id)
    }

    /// Records that the transport of `id` closed (the oracle dropped it or the server closed it).
    mutating func dropped(_ id: ConnectionID) { connections[id]?.closed = true }

    /// Checks the outputs of one input; returns the connections the server closed, which the
    /// oracle then reports closed to the server as a transport would.
    mutating func check(_ outputs: [ServerOutput], command: Command?) throws(OracleFailure) -> [ConnectionID] {
        var answers = 0
        var closing: [ConnectionID] = []
        for output in outputs {
            switch output {
            case .send(let id, let items):
                try OracleFailure.require(connections[id] != nil, "a send to connection \(id.rawValue), never opened")
                try OracleFailure.require(
                    connections[id]?.closed == false, "a send to connection \(id.rawValue) after it was closed: \(items.map(\.message))")
                try OracleFailure.require(!closing.contains(id), "a send to connection \(id.rawValue) after its close")
                for item in items { try receive(item.message, on: id, command: command, answers: &answers) }
            case .close(let id, let code):
                try OracleFailure.require(connections[id]?.closed == false, "connection \(id.rawValue) closed twice or never opened")
                try OracleFailure.require(known(code), "connection \(id.rawValue) closed with unknown code \(code.rawValue)")
                closing.append(id)
            case .measured:
                break
            case .authenticate(let id, _):
                throw OracleFailure(description: "connection \(id.rawValue)'s authentication was left unanswered")
            case .persist(let batch):
                throw OracleFailure(description: "batch \(batch.id) was left unconfirmed")
            case .load(let request):
                throw OracleFailure(description: "read \(request.id) of archived conversations with the archive kept in memory")
            }
        }
        if let command, connections[command.connection]?.closed == false, !closing.contains(command.connection) {
            try OracleFailure.require(answers == 1, "command rid \(command.rid) got \(answers) answers on an open connection")
        }
        for id in closing { dropped(id) }
        return closing
    }

    /// Checks one message delivered to `id`.
    private mutating func receive(_ message: Message, on id: ConnectionID, command: Command?, answers: inout Int) throws(OracleFailure) {
        if case .error(let e) = message {
            try OracleFailure.require(
                e.code <= UInt64(UInt32.max) && known(ErrorCode(rawValue: UInt32(e.code))), "error with unknown code \(e.code): \(e)")
        }
        if let rid = message.resultRID {
            try OracleFailure.require(
                command?.connection == id && command?.rid == rid, "a result for rid \(rid) that connection \(id.rawValue) did not just send")
            answers += 1
            try OracleFailure.require(answers == 1, "rid \(rid) answered twice")
        }
        switch message {
        case .welcome(let welcome):
            try welcomed(welcome, on: id, command: command)
        case .invitation(let invitation):
            if !invitations.contains(invitation.invitation) { invitations.append(invitation.invitation) }
        default:
            break
        }
        if let seq = message.eventSeq { try event(message, seq: seq, on: id) }
    }

    private mutating func welcomed(_ welcome: Wire.Welcome, on id: ConnectionID, command: Command?) throws(OracleFailure) {
        try OracleFailure.require(connections[id]?.session == nil, "a second welcome on connection \(id.rawValue)")
        var connection = connections[id]!
        connection.role = welcome.identity.role
        connection.session = welcome.session
        let auth = welcome.sessionToken.map { Wire.Auth(scheme: "session", credential: $0) } ?? command?.auth
        connection.auth = auth
        if !users.contains(welcome.identity.user) { users.append(welcome.identity.user) }
        if let resume = welcome.resume, resume.status == .resumed {
            try OracleFailure.require(
                command?.resume?.session == welcome.session, "resumed session \(welcome.session), not the one asked for")
            let asked = command?.resume?.lastSeq ?? 0
            if let from = resume.replayFrom {
                try OracleFailure.require(from == asked + 1, "resume from lastSeq \(asked) replays from \(from)")
            }
            let last = resume.lastSeq ?? asked
            try OracleFailure.require(last >= asked, "resumed at lastSeq \(asked) beyond the session's \(last)")
            connection.nextSeq = resume.replayFrom ?? last + 1
            connection.lastSeq = connection.nextSeq - 1
            sessions[welcome.session]?.resumeToken = welcome.resumeToken
        } else {
            try OracleFailure.require(sessions[welcome.session] == nil, "a new session reuses the id \(welcome.session)")
            sessions[welcome.session] = Session(resumeToken: welcome.resumeToken, auth: auth ?? Wire.Auth(scheme: "anonymous"))
            sessionOrder.append(welcome.session)
        }
        connections[id] = connection
    }

    private mutating func event(_ message: Message, seq: UInt64, on id: ConnectionID) throws(OracleFailure) {
        guard var connection = connections[id], let session = connection.session else {
            throw OracleFailure(description: "event \(message) on connection \(id.rawValue) before its welcome")
        }
        try OracleFailure.require(seq == connection.nextSeq, "connection \(id.rawValue) expected seq \(connection.nextSeq), got \(message)")
        if case .event(let e) = message, e.event.kind == .note {
            try OracleFailure.require(connection.role != .visitor, "visitor connection \(id.rawValue) received a note: \(message)")
        }
        if let earlier = sessions[session]?.events[seq] {
            try OracleFailure.require(earlier == message, "seq \(seq) of \(session) replayed as \(message), first sent as \(earlier)")
        } else {
            sessions[session]?.events[seq] = message
            let last = sessions[session]?.lastSeq ?? 0
            sessions[session]?.lastSeq = max(last, seq)
        }
        connection.nextSeq = seq + 1
        connection.lastSeq = seq
        connections[id] = connection
    }

    /// Whether `code` is in the spec's table.
    private func known(_ code: ErrorCode) -> Bool { !code.meaning.isEmpty }
}
