import Testing

@testable import TOML

/// Spec section "Table": headers, implicit super-tables, and the rules against defining a table twice.
@Suite struct TableTests {
    @Test func headersStartTablesUntilTheNextHeader() {
        let table = decode("""
            top = 0
            [table-1]
            key1 = "some string"
            [table-2]
            key1 = "another string"
            """)
        #expect(table.keys == ["top", "table-1", "table-2"])
        #expect(table["table-1"] == .table(["key1": .string("some string")]))
        #expect(table["table-2"]?["key1"] == .string("another string"))
    }

    @Test func headersMayBeDottedQuotedAndSpaced() {
        let table = decode("[ dog . \"tater.man\" ]\ntype.name = \"pug\"\n[ j . 'ʞ' . l ]")
        #expect(table["dog"]?["tater.man"]?["type"]?["name"] == .string("pug"))
        #expect(table["j"]?["ʞ"]?["l"] == .table([:]))
    }

    @Test func emptyTablesAndImplicitSuperTables() {
        let table = decode("[x.y.z.w]\n[empty]")
        #expect(table["x"]?["y"]?["z"]?["w"] == .table([:]))
        #expect(table["empty"] == .table([:]))
    }

    @Test func aSuperTableMayBeDefinedOnceAfterItsSubTable() {
        let table = decode("[x.y.z]\na = 1\n[x]\nb = 2")
        #expect(table["x"] == .table(["y": .table(["z": .table(["a": .integer(1)])]), "b": .integer(2)]))
        #expect(failure("[x.y]\n[x]\n[x]")?.message == "duplicate table [x]: already defined at 2:1")
    }

    @Test func headersMayAddSubTablesToDottedKeyTables() {
        let table = decode("[fruit]\napple.color = \"red\"\n[fruit.apple.texture]\nsmooth = true")
        #expect(table["fruit"]?["apple"]?["texture"]?["smooth"] == .boolean(true))
        #expect(table["fruit"]?["apple"]?["color"] == .string("red"))
    }

    @Test(arguments: [
        ("[a]\n[a]", "duplicate table [a]: already defined at 1:1"),
        ("[a]\nb = 1\n[a.b]", "cannot define table [a.b]: key 'a.b' is already an integer (defined at 2:1)"),
        ("[fruit]\napple.color = 1\n[fruit.apple]", "duplicate table [fruit.apple]: already defined by dotted keys at 2:1"),
        ("[a.b]\n[a]\nb.c = 1", "cannot add to table 'b' with dotted keys: it belongs to the table header at 1:1"),
        ("a = 1\n[a.b]", "cannot define table [a.b]: key 'a' is already an integer (defined at 1:1)"),
    ])
    func aTableIsDefinedOnlyOnce(text: String, message: String) {
        #expect(failure(text)?.message == message)
    }

    @Test(arguments: ["[]", "[a.]", "[.a]", "[a..b]", "[a b]", "[a", "[a]]", "[[a]", "[a] x = 1", "[\"\"\"a\"\"\"]", "[a\n]"])
    func malformedHeadersAreRefused(text: String) {
        #expect(failure(text) != nil)
    }
}
