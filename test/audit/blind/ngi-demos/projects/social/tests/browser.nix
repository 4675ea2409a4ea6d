{ lib, writers, python3Packages, ... }:
let
  user = "admin";
  password = "0123456789";
in
writers.writePython3Bin "browser-test" { libraries = [ python3Packages.selenium ]; } ''
  from selenium import webdriver
  driver = webdriver.Firefox()
  driver.get("http://localhost")
  driver.find_element("name", "login").send_keys("${user}")
  driver.find_element("name", "password").send_keys("${password}")
''
