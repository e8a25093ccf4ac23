import mod_util
print(mod_util.uses_global(), mod_util.helper_list)
mod_util.helper_list.append("from main")
print(mod_util.helper_list)
