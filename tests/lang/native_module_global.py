# The native tier: a pure function from another module (native_module_a.py)
# calls itself through its own module's globals: rebinding `fib` here does
# not affect it, rebinding native_module_a.fib does, as in CPython.
import native_module_a
from native_module_a import fib as fib2

fib = lambda n: 1000
print(native_module_a.fib(15), fib(3), fib2(12), native_module_a.countdown(5000))
f = native_module_a.fib
native_module_a.fib = lambda n: 7
print(f(10), fib2(10), f(1))
native_module_a.fib = f
print(f(10), fib2(10), native_module_a.fib(20))
native_module_a.fib = None
try:
    f(5)
except TypeError as e:
    print("TypeError:", e)
native_module_a.fib = f
print(f(5))
