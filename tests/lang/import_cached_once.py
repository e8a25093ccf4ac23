import mod_side_effect
import mod_side_effect
from mod_side_effect import VALUE
import mod_side_effect as again
print(VALUE, again is mod_side_effect, mod_side_effect.loads)
