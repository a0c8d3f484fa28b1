import Testing

@testable import TOML

/// `TOMLTable.position(of:)`: where each key was defined.
@Suite struct PositionTests {
    @Test func keysOfKeyValuePairsStartAtTheirOwnPart() throws {
        let table = decode("name = 1\n  indented = 2\nsite.  \"host\" = 3")
        #expect(table.position(of: "name") == TOMLPosition(line: 1, column: 1))
        #expect(table.position(of: "indented") == TOMLPosition(line: 2, column: 3))
        #expect(table.position(of: "site") == TOMLPosition(line: 3, column: 1))
        let site = try #require(table["site"]?.tableValue)
        #expect(site.position(of: "host") == TOMLPosition(line: 3, column: 8))
        #expect(table.position(of: "missing") == nil)
    }

    @Test func tablesAreWhereTheirHeaderIs() throws {
        let table = decode("a = 1\n\n  [server.http]\nport = 80\n[server]\n")
        #expect(table.position(of: "server") == TOMLPosition(line: 5, column: 1), "defined by its own header at last")
        let server = try #require(table["server"]?.tableValue)
        #expect(server.position(of: "http") == TOMLPosition(line: 3, column: 3))
        let http = try #require(server["http"]?.tableValue)
        #expect(http.position(of: "port") == TOMLPosition(line: 4, column: 1))
    }

    @Test func anImplicitTableIsWhereItWasFirstNamed() throws {
        let table = decode("[a.b]\n[a.c]\n")
        #expect(table.position(of: "a") == TOMLPosition(line: 1, column: 1))
        #expect(table["a"]?.tableValue?.position(of: "c") == TOMLPosition(line: 2, column: 1))
    }

    @Test func arraysOfTablesAreWhereTheFirstHeaderIsAndTheirKeysWhereWritten() throws {
        let table = decode("[[bin]]\nname = \"a\"\n[[bin]]\n name = \"b\"\n")
        #expect(table.position(of: "bin") == TOMLPosition(line: 1, column: 1))
        let second = try #require(table["bin"]?.arrayValue?.last?.tableValue)
        #expect(second.position(of: "name") == TOMLPosition(line: 4, column: 2))
    }

    @Test func inlineTableKeysHaveTheirOwnPositions() throws {
        let table = decode("point = { x = 1, y = 2 }")
        let point = try #require(table["point"]?.tableValue)
        #expect(point.position(of: "x") == TOMLPosition(line: 1, column: 11))
        #expect(point.position(of: "y") == TOMLPosition(line: 1, column: 18))
    }

    @Test func aByteOrderMarkDoesNotShiftColumns() {
        #expect(decode("\u{FEFF}key = 1").position(of: "key") == TOMLPosition(line: 1, column: 1))
    }
}
