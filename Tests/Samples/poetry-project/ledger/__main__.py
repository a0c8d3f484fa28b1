from ledger.server import main

main()
