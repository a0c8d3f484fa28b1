from greetings.server import main

main()
