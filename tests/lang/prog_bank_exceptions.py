class_free_accounts = {}
def open_account(name, amount=0):
    if name in class_free_accounts:
        raise ValueError("account exists: " + name)
    class_free_accounts[name] = amount
def withdraw(name, amount):
    if name not in class_free_accounts:
        raise KeyError(name)
    if amount > class_free_accounts[name]:
        raise RuntimeError("insufficient funds: %d > %d" % (amount, class_free_accounts[name]))
    class_free_accounts[name] -= amount
    return class_free_accounts[name]
open_account("ann", 100)
for op in [lambda: withdraw("ann", 30), lambda: withdraw("bob", 1), lambda: withdraw("ann", 500), lambda: open_account("ann")]:
    try:
        print("ok", op())
    except (KeyError, RuntimeError) as e:
        print("failed:", type(e), e)
    except Exception as e:
        print("other:", repr(e))
    finally:
        print("balance", class_free_accounts)
