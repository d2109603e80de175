// Run by the Maven invoker after the build: a green build that ran no test is a failure.
def reports = new File(basedir, 'target/surefire-reports').listFiles()?.findAll { it.name ==~ /TEST-.*\.xml/ } ?: []
def total = reports.sum(0) { ((it.text =~ /<testsuite[^>]*\stests="(\d+)"/)[0][1]) as int }
assert total >= 1 : "spark ran ${total} tests"
println "spark example: Tests run ${total}"
return true
