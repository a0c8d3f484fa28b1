"""The Numbers API: even numbers in sequence and random numbers, over HTTP."""
