import mod_util
mod_util.counter()
mod_util.counter()
import mod_util as m2
print(m2.counter(), m2.STATE)
