import ParleyTestSupport
import Foundation
import ParleyCompression
import Testing

/// COMP-10…COMP-14, from Spec/scenarios/compression/permessage-deflate-negotiation.json.
@Suite struct PerMessageDeflateNegotiationTests {
    struct Scenarios: Decodable { var cases: [Case] }
    struct Case: Decodable, CustomTestStringConvertible {
        struct Server: Decodable {
            var serverNoContextTakeover: Bool?
            var clientNoContextTakeover: Bool?
            var serverMaxWindowBits: Int?
            var clientMaxWindowBits: Int?
        }
        var name: String
        var requirements: [String]
        var server: Server?
        var offers: [String]
        var response: String?
        var parameters: [Int]?  // bools decoded as 0/1 below
        var testDescription: String { "\(requirements.joined(separator: ",")): \(name)" }

        enum CodingKeys: String, CodingKey { case name, requirements, server, offers, response, parameters }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            requirements = try c.decode([String].self, forKey: .requirements)
            server = try c.decodeIfPresent(Server.self, forKey: .server)
            offers = try c.decode([String].self, forKey: .offers)
            response = try c.decodeIfPresent(String.self, forKey: .response)
            if var list = try? c.nestedUnkeyedContainer(forKey: .parameters) {
                parameters = [
                    try list.decode(Bool.self) ? 1 : 0, try list.decode(Bool.self) ? 1 : 0,
                    try list.decode(Int.self), try list.decode(Int.self),
                ]
            }
        }
    }

    static let cases: [Case] = {
        let url = SpecFiles.url("scenarios/compression/permessage-deflate-negotiation.json")
        return try! JSONDecoder().decode(Scenarios.self, from: Data(contentsOf: url)).cases
    }()

    @Test(arguments: cases)
    func scenario(_ scenario: Case) {
        let server = PerMessageDeflateNegotiation(
            serverNoContextTakeover: scenario.server?.serverNoContextTakeover ?? false,
            clientNoContextTakeover: scenario.server?.clientNoContextTakeover ?? false,
            serverMaxWindowBits: scenario.server?.serverMaxWindowBits ?? 15,
            clientMaxWindowBits: scenario.server?.clientMaxWindowBits ?? 15)
        let result = server.negotiate(offerFieldValues: scenario.offers)
        #expect(result?.responseHeaderValue == scenario.response)
        if let result, let expected = scenario.parameters {
            #expect([result.serverNoContextTakeover ? 1 : 0, result.clientNoContextTakeover ? 1 : 0,
                      result.serverMaxWindowBits, result.clientMaxWindowBits] == expected)
        }
    }

    @Test func scenariosAreLoaded() {
        #expect(Self.cases.count >= 30)
    }

    @Test func offerRejectionsSayWhy() {
        func offer(_ parameters: [(String, String?)]) throws(PerMessageDeflateOffer.Rejection) -> PerMessageDeflateOffer {
            try PerMessageDeflateOffer(parameters: parameters.map { ExtensionHeader.Parameter(name: $0.0, value: $0.1) })
        }
        #expect(throws: PerMessageDeflateOffer.Rejection.unknownParameter("x")) { try offer([("x", nil)]) }
        #expect(throws: PerMessageDeflateOffer.Rejection.duplicateParameter("server_no_context_takeover")) {
            try offer([("server_no_context_takeover", nil), ("server_no_context_takeover", nil)])
        }
        #expect(throws: PerMessageDeflateOffer.Rejection.invalidValue(parameter: "client_max_window_bits", value: "1O")) {
            try offer([("client_max_window_bits", "1O")])
        }
        #expect((try? offer([("client_max_window_bits", nil)]))?.clientMaxWindowBits == .supported)
    }

    /// The header grammar round-trips quoted values with escapes and keeps parameter order.
    @Test func extensionHeaderParsing() {
        let header = ExtensionHeader(fieldValues: [#"a; p="x\"y"; q, b"#])
        #expect(header?.elements.map(\.name) == ["a", "b"])
        #expect(header?.elements[0].parameters == [.init(name: "p", value: #"x"y"#), .init(name: "q", value: nil)])
        #expect(ExtensionHeader(fieldValues: ["a b"]) == nil)
        #expect(ExtensionHeader(fieldValues: ["a;"]) == nil)
    }
}
