def greeting(name: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        return "Hello, world!"
    return f"Hello, {cleaned}!"


def shout(text: str) -> str:
    return text.upper()
