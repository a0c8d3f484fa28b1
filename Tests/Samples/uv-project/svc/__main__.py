from svc.server import main

main()
