/// Real output of the gates' tools, captured (stdout and stderr together) from the pinned versions in a
/// virtual environment, run in `/tmp/badproj/app` (so absolute paths there stand for the image's working
/// directory) on this project:
///
/// - `pkg/bad.py`: unsorted and unused imports (`import sys`, `import os`, `from typing import List`),
///   `return a+b`, an unused local in `greet`, `add(name, 2)` returned as `str`, `x: List[int] = ["a"]`
///   on line 15 and a 108-character line 16;
/// - `pkg/syntax.py`: `def broken(:`; `pkg/good.py` and `pkg/__init__.py`: clean;
/// - `top.py`: `import os,sys`; `tests/test_broken.py`: `import nonexistent_module_xyz`;
/// - `tests/test_bad.py`: the tests behind `Fixtures/pytest-xunit2.xml`.
///
/// Pasted unchanged: do not reformat (trailing spaces and blank lines matter).
enum RealOutputs {
    /// black 26.10.1: `python -m black --check pkg tests top.py` (exit 123)
    static let black = #"""
error: cannot parse: /tmp/badproj/app/pkg/syntax.py:1:11
    def broken(:
              ^
ParseError: bad input
would reformat top.py
would reformat /tmp/badproj/app/pkg/bad.py

Oh no! 💥 💔 💥
2 files would be reformatted, 4 files would be left unchanged, 1 file would fail to reformat.
"""#

    /// black 26.10.1: `python -m black --check pkg/good.py` (exit 0)
    static let blackClean = #"""
All done! ✨ 🍰 ✨
1 file would be left unchanged.
"""#

    /// isort 9.0.2: `python -m isort --check-only pkg tests top.py` (exit 1)
    static let isort = #"""
ERROR: /tmp/badproj/app/pkg/bad.py Imports are incorrectly sorted and/or formatted.
ERROR: /tmp/badproj/app/top.py Imports are incorrectly sorted and/or formatted.
"""#

    /// flake8 7.5.0: `python -m flake8 pkg tests ./top.py` (exit 1)
    static let flake8 = #"""
./top.py:1:1: F401 'os' imported but unused
./top.py:1:1: F401 'sys' imported but unused
./top.py:1:10: E401 multiple imports on one line
./top.py:1:10: E231 missing whitespace after ','
pkg/bad.py:1:1: F401 'sys' imported but unused
pkg/bad.py:2:1: F401 'os' imported but unused
pkg/bad.py:11:5: F841 local variable 'unused' is assigned to but never used
pkg/bad.py:16:80: E501 line too long (108 > 79 characters)
pkg/syntax.py:1:13: E999 SyntaxError: invalid syntax
tests/test_broken.py:1:1: F401 'nonexistent_module_xyz' imported but unused
"""#

    /// mypy 2.4.1: `python -m mypy pkg/__init__.py pkg/bad.py pkg/good.py tests top.py` (exit 1)
    static let mypy = #"""
tests/test_broken.py:1: error: Cannot find implementation or library stub for module named "nonexistent_module_xyz"  [import-not-found]
tests/test_broken.py:1: note: See https://mypy.readthedocs.io/en/stable/running_mypy.html#missing-imports
pkg/bad.py:12: error: Incompatible return value type (got "int", expected "str")  [return-value]
pkg/bad.py:12: error: Argument 1 to "add" has incompatible type "str"; expected "int"  [arg-type]
pkg/bad.py:15: error: List item 0 has incompatible type "str"; expected "int"  [list-item]
Found 4 errors in 2 files (checked 6 source files)
"""#

    /// mypy 2.4.1: the same with `--show-column-numbers` (exit 1)
    static let mypyColumns = #"""
tests/test_broken.py:1:1: error: Cannot find implementation or library stub for module named "nonexistent_module_xyz"  [import-not-found]
tests/test_broken.py:1:1: note: See https://mypy.readthedocs.io/en/stable/running_mypy.html#missing-imports
pkg/bad.py:12:12: error: Incompatible return value type (got "int", expected "str")  [return-value]
pkg/bad.py:12:16: error: Argument 1 to "add" has incompatible type "str"; expected "int"  [arg-type]
pkg/bad.py:15:17: error: List item 0 has incompatible type "str"; expected "int"  [list-item]
Found 4 errors in 2 files (checked 6 source files)
"""#

    /// mypy 2.4.1: `python -m mypy pkg/syntax.py` (exit 2)
    static let mypySyntax = #"""
pkg/syntax.py:1: error: Expected a parameter or the end of the parameter list  [syntax]
pkg/syntax.py:1: error: Expected `)`, found newline  [syntax]
Found 2 errors in 1 file (errors prevented further checking)
"""#

    /// mypy 2.4.1: `python -m mypy pkg/good.py` (exit 0)
    static let mypyClean = #"""
Success: no issues found in 1 source file
"""#

    /// ruff 0.17.5: `python -m ruff check pkg tests top.py`, the default (full) format (exit 1)
    static let ruff = #"""
I001 [*] Import block is un-sorted or un-formatted
 --> pkg/bad.py:1:1
  |
1 | / import sys
2 | | import os
3 | | from typing import List
  | |_______________________^
help: Organize imports
  |
1 + import os
2 | import sys
  - import os
3 | from typing import List
  |

F401 [*] `sys` imported but unused
 --> pkg/bad.py:1:8
  |
1 | import sys
  |        ^^^
2 | import os
3 | from typing import List
  |
help: Remove unused import: `sys`
  |
  - import sys
1 | import os
  |

F401 [*] `os` imported but unused
 --> pkg/bad.py:2:8
  |
1 | import sys
2 | import os
  |        ^^
3 | from typing import List
  |
help: Remove unused import: `os`
  |
1 | import sys
  - import os
2 | from typing import List
  |

UP035 `typing.List` is deprecated, use `list` instead
 --> pkg/bad.py:3:1
  |
1 | import sys
2 | import os
3 | from typing import List
  | ^^^^^^^^^^^^^^^^^^^^^^^

F841 Local variable `unused` is assigned to but never used
  --> pkg/bad.py:11:5
   |
10 | def greet(name: str) -> str:
11 |     unused = 1
   |     ^^^^^^
12 |     return add(name, 2)
   |
help: Remove assignment to unused variable `unused`
   |
10 | def greet(name: str) -> str:
   -     unused = 1
11 |     return add(name, 2)
   |
note: This is an unsafe fix and may change runtime behavior

UP006 [*] Use `list` instead of `List` for type annotation
  --> pkg/bad.py:15:4
   |
15 | x: List[int] = ["a"]
   |    ^^^^
16 | very_long_line = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
   |
help: Replace with `list`
   |
14 |
   - x: List[int] = ["a"]
15 + x: list[int] = ["a"]
16 | very_long_line = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
   |

invalid-syntax: Expected a parameter or the end of the parameter list
 --> pkg/syntax.py:1:12
  |
1 | def broken(:
  |            ^
2 |     pass
  |

invalid-syntax: Expected `)`, found newline
 --> pkg/syntax.py:1:13
  |
1 | def broken(:
  |             ^
2 |     pass
  |

F401 [*] `nonexistent_module_xyz` imported but unused
 --> tests/test_broken.py:1:8
  |
1 | import nonexistent_module_xyz
  |        ^^^^^^^^^^^^^^^^^^^^^^
help: Remove unused import: `nonexistent_module_xyz`
  |
  - import nonexistent_module_xyz
  |

I001 [*] Import block is un-sorted or un-formatted
 --> top.py:1:1
  |
1 | import os,sys
  | ^^^^^^^^^^^^^
help: Organize imports
  |
  - import os,sys
1 + import os
2 + import sys
  |

F401 [*] `os` imported but unused
 --> top.py:1:8
  |
1 | import os,sys
  |        ^^
help: Remove unused import
  |
  - import os,sys
  |

F401 [*] `sys` imported but unused
 --> top.py:1:11
  |
1 | import os,sys
  |           ^^^
help: Remove unused import
  |
  - import os,sys
  |

Found 12 errors.
[*] 8 fixable with `--fix` (1 unsafe fix available with `--fix --unsafe-fixes`).
"""#

    /// ruff 0.17.5: `python -m ruff check --output-format=concise pkg tests top.py` (exit 1)
    static let ruffConcise = #"""
pkg/bad.py:1:1: I001 [*] Import block is un-sorted or un-formatted
pkg/bad.py:1:8: F401 [*] `sys` imported but unused
pkg/bad.py:2:8: F401 [*] `os` imported but unused
pkg/bad.py:3:1: UP035 `typing.List` is deprecated, use `list` instead
pkg/bad.py:11:5: F841 Local variable `unused` is assigned to but never used
pkg/bad.py:15:4: UP006 [*] Use `list` instead of `List` for type annotation
pkg/syntax.py:1:12: invalid-syntax: Expected a parameter or the end of the parameter list
pkg/syntax.py:1:13: invalid-syntax: Expected `)`, found newline
tests/test_broken.py:1:8: F401 [*] `nonexistent_module_xyz` imported but unused
top.py:1:1: I001 [*] Import block is un-sorted or un-formatted
top.py:1:8: F401 [*] `os` imported but unused
top.py:1:11: F401 [*] `sys` imported but unused
Found 12 errors.
[*] 8 fixable with `--fix` (1 unsafe fix available with `--fix --unsafe-fixes`).
"""#

    /// ruff 0.17.5: `python -m ruff check pkg/good.py` (exit 0)
    static let ruffClean = #"""
All checks passed!
"""#

    /// ruff 0.17.5: `python -m ruff format --check pkg tests top.py` (exit 2)
    static let ruffFormat = #"""
unformatted: File would be reformatted
  --> pkg/bad.py:7:13
  |
6 | def add(a: int, b: int) -> int:
  -     return a+b
7 +     return a + b
8 |
  |

invalid-syntax: Expected a parameter or the end of the parameter list
 --> pkg/syntax.py:1:12
  |
1 | def broken(:
  |            ^
2 |     pass
  |

unformatted: File would be reformatted
 --> top.py:1:11
  |
  - import os,sys
1 + import os, sys
  |

2 files would be reformatted, 4 files already formatted
"""#

    /// ruff 0.17.5: `python -m ruff format --check --output-format=concise pkg tests top.py` (exit 2)
    static let ruffFormatConcise = #"""
pkg/bad.py:7:13: unformatted: File would be reformatted
pkg/syntax.py:1:12: invalid-syntax: Expected a parameter or the end of the parameter list
top.py:1:11: unformatted: File would be reformatted
2 files would be reformatted, 4 files already formatted
"""#

    /// ruff 0.17.5: `python -m ruff format --check pkg/good.py` (exit 0)
    static let ruffFormatClean = #"""
1 file already formatted
"""#
}
