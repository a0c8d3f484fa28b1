import Testing

@testable import TOML

/// Spec section "Inline Table": one line, no trailing comma, closed once written.
@Suite struct InlineTableTests {
    @Test func inlineTablesAreTables() {
        let table = decode("name = { first = \"Tom\", last = \"Preston-Werner\" }\npoint = {x=1,y=2}\nempty = {}")
        #expect(table["name"] == .table(["first": .string("Tom"), "last": .string("Preston-Werner")]))
        #expect(table["name"]?.tableValue?.keys == ["first", "last"])
        #expect(table["point"] == .table(["x": .integer(1), "y": .integer(2)]))
        #expect(table["empty"] == .table([:]))
    }

    @Test func dottedKeysAndNestingInside() {
        let table = decode("animal = { type.name = \"pug\", type.size = 'small', legs = { count = 4 } }")
        #expect(table["animal"]?["type"] == .table(["name": .string("pug"), "size": .string("small")]))
        #expect(table["animal"]?["legs"]?["count"] == .integer(4))
    }

    @Test func anArrayInsideMaySpanLines() {
        #expect(value("{ list = [\n1,\n2] }") == .table(["list": .array([.integer(1), .integer(2)])]))
    }

    @Test(arguments: [
        "a = { b = 1, }", "a = { b = 1\n}", "a = {\nb = 1 }", "a = { b = 1 c = 2 }", "a = { , }", "a = { b = 1,, c = 2 }",
        "a = { b = 1 # comment\n}", "a = { b", "a = { b = 1, b = 2 }", "a = { b.c = 1, b = 2 }",
    ])
    func malformedInlineTablesAreRefused(text: String) {
        #expect(failure(text) != nil)
    }

    @Test(arguments: [
        ("[product]\ntype = { name = \"Nail\" }\ntype.edible = false",
         "cannot add key 'type.edible': 'type' is already an inline table (defined at 2:1), and inline tables cannot be extended"),
        ("[product]\ntype.name = \"Nail\"\ntype = { edible = false }", "duplicate key 'type' (first defined at 2:1)"),
        ("a = { b = {} }\n[a.b]",
         "cannot define table [a.b]: key 'a' is already an inline table (defined at 1:1), and inline tables cannot be extended"),
        ("a = {}\n[[a]]", "cannot define array of tables [[a]]: key 'a' is already an inline table (defined at 1:1)"),
    ])
    func inlineTablesCannotBeExtendedLater(text: String, message: String) {
        #expect(failure(text)?.message == message)
    }
}
