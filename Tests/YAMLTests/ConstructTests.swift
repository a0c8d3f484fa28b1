import Testing

@testable import YAML

/// Each construct of the subset, read as YAML 1.2 reads it.
@Suite struct ConstructTests {
    @Test func anEmptyDocumentOrOnlyCommentsIsNil() {
        #expect(read("") == nil)
        #expect(read("# nothing\n\n   # here\n") == nil)
        #expect(read("---\n") == nil)
    }

    @Test func blockMappingsNestByIndentation() {
        let node = read("""
            name: demo   # a comment
            build:
              context: ./svc
              dockerfile: Dockerfile.prod
            empty:
            ports: 8000
            """)
        #expect(node?.plain == .map([
            ("name", .string("demo")),
            ("build", .map([("context", .string("./svc")), ("dockerfile", .string("Dockerfile.prod"))])),
            ("empty", .null), ("ports", .string("8000")),
        ]))
        #expect(node?["name"]?.comment == "a comment")
        #expect(node?.pair("build")?.keyPosition == YAMLPosition(line: 2, column: 1))
        #expect(node?["build"]?["dockerfile"]?.position == YAMLPosition(line: 4, column: 15))
    }

    @Test func blockSequencesHoldScalarsMappingsAndSequences() {
        let node = read("""
            repos:
            -   repo: https://github.com/psf/black
                rev: 24.8.0
                hooks:
                  - id: black
                    args: [--line-length=100]
              # a comment between entries
            -   repo: local
                hooks: []
            list:
              - a
              - - b
                - c
              -
                d
            """)
        #expect(node?.plain == .map([
            ("repos", .list([
                .map([
                    ("repo", .string("https://github.com/psf/black")), ("rev", .string("24.8.0")),
                    ("hooks", .list([.map([("id", .string("black")), ("args", .list([.string("--line-length=100")]))])])),
                ]),
                .map([("repo", .string("local")), ("hooks", .list([]))]),
            ])),
            ("list", .list([.string("a"), .list([.string("b"), .string("c")]), .string("d")])),
        ]))
        #expect(node?["repos"]?.sequence?[0]["rev"]?.position == YAMLPosition(line: 3, column: 10))
        #expect(node?["repos"]?.sequence?[1].position == YAMLPosition(line: 8, column: 5))
    }

    @Test func aSequenceMayStandAtItsKeysIndentation() {
        #expect(read("a:\n- 1\n- 2\nb: x\n")?.plain == .map([("a", .list([.string("1"), .string("2")])), ("b", .string("x"))]))
    }

    @Test func flowCollectionsMayRunOverSeveralLinesWithComments() {
        let node = read("""
            args: [--select, "E,F", 'I']
            deps: [
                types-requests==2.32.0,   # stubs
                pydantic>=2,
            ]
            build: {context: ., dockerfile: "docker/Dockerfile", target:}
            nested: [[a, b], {k: [v]}, []]
            """)
        #expect(node?.plain == .map([
            ("args", .list([.string("--select"), .string("E,F"), .string("I")])),
            ("deps", .list([.string("types-requests==2.32.0"), .string("pydantic>=2")])),
            ("build", .map([("context", .string(".")), ("dockerfile", .string("docker/Dockerfile")), ("target", .null)])),
            ("nested", .list([.list([.string("a"), .string("b")]), .map([("k", .list([.string("v")]))]), .list([])])),
        ]))
        #expect(node?["deps"]?.sequence?[1].position == YAMLPosition(line: 4, column: 5))
    }

    @Test func plainScalarsKeepColonsAndHashesThatAreNotSeparatorsAndFoldLines() {
        let node = read("""
            url: http://127.0.0.1:8000/a#b
            text: one
              two

              three
            null1: ~
            null2: null
            quoted: "null"
            """)
        #expect(node?["url"]?.string == "http://127.0.0.1:8000/a#b")
        #expect(node?["text"]?.string == "one two\nthree")
        #expect(node?["null1"]?.isNull == true)
        #expect(node?["null2"]?.isNull == true)
        #expect(node?["quoted"]?.string == "null")
        #expect(node?["quoted"]?.content == .scalar("null", .doubleQuoted))
    }

    @Test func singleQuotedScalarsDoubleTheirQuoteAndFoldLines() {
        let node = read("a: 'it''s # not a comment'\nb: 'one\n  two\n\n  three'\n'quoted key': 1\n")
        #expect(node?["a"]?.string == "it's # not a comment")
        #expect(node?["b"]?.string == "one two\nthree")
        #expect(node?["quoted key"]?.string == "1")
    }

    @Test func doubleQuotedScalarsHaveEscapes() {
        let node = read(#"""
            a: "tab\there \"q\" \\ \/ \x41\u00e9\U0001F600 \N\_end"
            b: "one \
              two"
            c: "^(a|b)\\.py$"
            """#)
        #expect(node?["a"]?.string == "tab\there \"q\" \\ / Aé😀 \u{85}\u{A0}end")
        #expect(node?["b"]?.string == "one two")
        #expect(node?["c"]?.string == #"^(a|b)\.py$"#)
    }

    @Test func literalBlockScalarsKeepLinesWithEachChomping() {
        let text = "clip: |\n  one\n    two\n\nstrip: |-\n  one\n\nkeep: |+\n  one\n\n\nlast: x\n"
        let node = read(text)
        #expect(node?["clip"]?.string == "one\n  two\n")
        #expect(node?["strip"]?.string == "one")
        #expect(node?["keep"]?.string == "one\n\n\n")
        #expect(node?["last"]?.string == "x")
        #expect(node?["clip"]?.content == .scalar("one\n  two\n", .literal))
    }

    @Test func foldedBlockScalarsJoinLinesButKeepEmptyAndMoreIndentedOnes() {
        let node = read("""
            exclude: >
              (?x)^(
                docs/|
              migrations/
              )$

              after
            explicit: |2-
                 indented
            """)
        #expect(node?["exclude"]?.string == "(?x)^(\n  docs/|\nmigrations/ )$\nafter\n")
        #expect(node?["explicit"]?.string == "   indented")
    }

    @Test func aBlockScalarInASequenceAndAtTheEndOfTheFile() {
        #expect(read("- |\n  a\n  b\n- c\n")?.plain == .list([.string("a\nb\n"), .string("c")]))
        #expect(read("k: >-\n  a\n  b")?["k"]?.string == "a b")
        #expect(read("k: |+\n  a\n")?["k"]?.string == "a\n")
    }

    @Test func theTrailingCommentOfAValueIsKept() {
        let node = read("""
            rev: 8b9c1e0f2a3d4c5b6a7980f1e2d3c4b5a6978f01  # frozen: v0.6.9
            args: [--fix]  #   spaced   
            block: |  # header comment
              text
            """)
        #expect(node?["rev"]?.comment == "frozen: v0.6.9")
        #expect(node?["args"]?.comment == "spaced")
        #expect(node?["block"]?.comment == "header comment")
    }

    @Test func aDocumentStartMarkerAndADocumentEndAreAccepted() {
        #expect(read("---\na: 1\n...\nignored: [\n")?.plain == .map([("a", .string("1"))]))
        #expect(read("# c\n--- # start\n- x\n")?.plain == .list([.string("x")]))
    }

    @Test func crlfAndAByteOrderMarkAreRead() {
        #expect(read("\u{FEFF}a: 1\r\nb:\r\n  - 2\r\n")?.plain == .map([("a", .string("1")), ("b", .list([.string("2")]))]))
    }

    @Test func aTopLevelScalarOrFlowNode() {
        #expect(read("just text\n")?.string == "just text")
        #expect(read("[1, 2]\n")?.plain == .list([.string("1"), .string("2")]))
    }
}
