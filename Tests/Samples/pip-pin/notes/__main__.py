from notes.server import main

main()
